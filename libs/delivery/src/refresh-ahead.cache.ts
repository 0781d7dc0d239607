export interface RefreshAheadOptions {
  /** No value is served older than this. */
  ttlMs: number;
  /**
   * In an entry's last `refreshAheadMs`, a read is answered from it and the value is reloaded
   * behind the read: a key read at least that often never waits for its source on the hot path
   * (with a plain TTL, a fleet at 5 msg/s per instance made one message in 25 wait a round trip).
   */
  refreshAheadMs: number;
  /** Past this, the oldest entry goes. */
  maxEntries: number;
  /**
   * Entries read within this long are also reloaded by a timer as they near their end, with no
   * read needed: an instance quiet for a few seconds finds its row fresh when its next burst
   * comes. Without it, a fleet going from idle to 500 msg/s waited for every instance's row at
   * once, and each instance's next events behind it. Entries not read for this long expire.
   */
  keepWarmMs?: number;
}

/**
 * The rows read on every event (routing, signing, websocket choices): no value older than 5 s,
 * a busy key reloaded in its last second, and kept warm for a minute after its last read.
 */
export const EVENT_ROW_CACHE: RefreshAheadOptions = { ttlMs: 5_000, refreshAheadMs: 1_000, maxEntries: 10_000, keepWarmMs: 60_000 };

/**
 * A small per-key cache of rows read on every event (routing targets, signing secrets, websocket
 * choices). Concurrent misses and refreshes of one key share one load; a load that started
 * before invalidate() never stores what it read; a failed refresh keeps the entry until it
 * expires, and the read after that waits and sees the error.
 */
export class RefreshAheadCache<V> {
  /** `readAt`: the last read, which keeps the entry warm (see keepWarmMs). */
  private readonly entries = new Map<string, { value: V; expires: number; readAt: number }>();
  private readonly loads = new Map<string, Promise<V>>();
  private readonly timer?: NodeJS.Timeout;
  /** The clock (tests move it). */
  now: () => number = Date.now;

  constructor(
    private readonly source: (key: string) => Promise<V>,
    private readonly options: RefreshAheadOptions,
  ) {
    if (options.keepWarmMs) {
      this.timer = setInterval(() => this.refreshDue(), Math.max(100, options.refreshAheadMs / 2));
      this.timer.unref();
    }
  }

  async get(key: string): Promise<V> {
    const hit = this.entries.get(key);
    const now = this.now();
    if (hit && hit.expires > now) {
      hit.readAt = now;
      if (hit.expires - now <= this.options.refreshAheadMs) this.load(key).catch(() => undefined);
      return hit.value;
    }
    return this.load(key, now);
  }

  invalidate(key: string): void {
    this.entries.delete(key);
    this.loads.delete(key);
  }

  /**
   * The keep-warm timer's round (tests call it): reloads the entries read within keepWarmMs that
   * are in their last refreshAheadMs, all at once (their source may batch them), and drops the
   * expired ones (never served). An entry whose reloads failed until it expired is left to the
   * reads, so a database outage does not get a reload per key and round.
   */
  refreshDue(): void {
    const keepWarmMs = this.options.keepWarmMs ?? 0;
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expires <= now) this.entries.delete(key);
      else if (now - entry.readAt <= keepWarmMs && entry.expires - now <= this.options.refreshAheadMs) this.load(key).catch(() => undefined);
    }
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** `readAt`: when a read asked for it; a reload keeps the entry's last read. */
  private load(key: string, readAt?: number): Promise<V> {
    const pending = this.loads.get(key);
    if (pending) return pending;
    const load = this.source(key).then(
      (value) => {
        if (this.loads.get(key) === load) {
          const lastRead = readAt ?? this.entries.get(key)?.readAt ?? this.now();
          this.loads.delete(key);
          this.entries.delete(key); // re-inserted last, so the eviction below takes the oldest
          if (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
          this.entries.set(key, { value, expires: this.now() + this.options.ttlMs, readAt: lastRead });
        }
        return value;
      },
      (err: unknown) => {
        if (this.loads.get(key) === load) this.loads.delete(key);
        throw err;
      },
    );
    this.loads.set(key, load);
    return load;
  }
}
