import type { CacheStore } from '@whiskeysockets/baileys';
import { BoundedTtlCache, type BoundedTtlCacheOptions } from './bounded-ttl.cache';

/**
 * The caches a Baileys socket is given instead of its own NodeCaches (signal keys, retry
 * counters, device lists, …): Baileys' `CacheStore` shape over our BoundedTtlCache, so the
 * lifetimes stay Baileys' while the sweep is one shared timer and nothing sizes its values.
 */
export class TtlCacheStore implements CacheStore {
  private readonly cache: BoundedTtlCache<unknown>;

  constructor(ttlMs: number, options?: BoundedTtlCacheOptions) {
    this.cache = new BoundedTtlCache<unknown>(ttlMs, options);
  }

  get<T>(key: string): T | undefined {
    return this.cache.get(key) as T | undefined;
  }

  set<T>(key: string, value: T): void {
    this.cache.set(key, value);
  }

  del(key: string): void {
    this.cache.delete(key);
  }

  flushAll(): void {
    this.cache.clear();
  }

  get size(): number {
    return this.cache.size;
  }
}
