export interface BoundedTtlCacheOptions {
  /** entries kept at most; the oldest write goes first (a rewrite counts as new) */
  capacity?: number;
  /** keys never held: a write of one drops any older value, the store behind has the new one */
  skip?: (key: string) => boolean;
  now?: () => number;
}

const SWEEP_EVERY_MS = 60_000;
const live = new Set<WeakRef<BoundedTtlCache<unknown>>>();
let sweeper: NodeJS.Timeout | undefined;

/** One timer for every cache of every instance, not one each (a thousand idle sockets, a thousand timers). */
function register(cache: BoundedTtlCache<unknown>) {
  live.add(new WeakRef(cache));
  sweeper ??= setInterval(() => {
    for (const ref of live) {
      const c = ref.deref();
      if (c) c.sweep();
      else live.delete(ref);
    }
    if (!live.size) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  }, SWEEP_EVERY_MS).unref();
}

/**
 * An in-memory cache with a lifetime per entry and an optional size bound, for what an instance
 * looks up often: Signal keys, group metadata, number checks, recent messages. Expired entries go
 * when read and on the shared sweep, so an idle instance's caches empty on their own.
 */
export class BoundedTtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private readonly capacity: number;
  private readonly skip: (key: string) => boolean;
  private readonly now: () => number;

  constructor(
    private readonly ttlMs: number,
    options: BoundedTtlCacheOptions = {},
  ) {
    this.capacity = options.capacity ?? Infinity;
    this.skip = options.skip ?? (() => false);
    this.now = options.now ?? Date.now;
    register(this);
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    if (this.skip(key)) return;
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Drops what expired (the shared timer calls this). */
  sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
