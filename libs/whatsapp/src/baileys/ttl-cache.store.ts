import type { CacheStore } from '@whiskeysockets/baileys';

const SWEEP_EVERY_MS = 60_000;
const live = new Set<WeakRef<TtlCacheStore>>();
let sweeper: NodeJS.Timeout | undefined;

/** One timer for every cache of every socket (Baileys' default NodeCaches run one interval each). */
function register(cache: TtlCacheStore) {
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
 * The caches a Baileys socket is given instead of its own NodeCaches (signal keys, retry
 * counters, device lists, …): the same lifetimes, plain Maps, expired entries swept by one
 * shared timer, and `skip` for keys not worth holding in memory at all.
 */
export class TtlCacheStore implements CacheStore {
  private readonly entries = new Map<string, { value: unknown; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly skip: (key: string) => boolean = () => false,
    private readonly now: () => number = Date.now,
    /** entries kept at most; the oldest write goes first */
    private readonly capacity = Infinity,
  ) {
    register(this);
  }

  get<T>(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value as T;
  }

  set<T>(key: string, value: T): void {
    // A skipped key is dropped, never left stale: the store behind the cache has the new value.
    this.entries.delete(key); // a rewrite counts as the newest entry
    if (this.skip(key)) return;
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  del(key: string): void {
    this.entries.delete(key);
  }

  flushAll(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Drops expired entries (the shared timer calls this; an idle socket's cache empties on its own). */
  sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
