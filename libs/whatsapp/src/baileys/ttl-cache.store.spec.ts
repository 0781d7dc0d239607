import { TtlCacheStore } from './ttl-cache.store';

describe('TtlCacheStore (Baileys CacheStore over BoundedTtlCache)', () => {
  let now = 1_000;
  const clock = () => now;

  it('keeps Baileys lifetimes and passes skip and capacity through', () => {
    const cache = new TtlCacheStore(100, { now: clock, skip: (k) => k.startsWith('pre-key.'), capacity: 2 });
    cache.set('pre-key.1', { public: 'x' });
    expect(cache.get('pre-key.1')).toBeUndefined();
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 2, 3]);
    now += 100;
    expect(cache.get('b')).toBeUndefined();
  });

  it('del and flushAll remove entries', () => {
    const cache = new TtlCacheStore(1_000, { now: clock });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.del('a');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe(2);
    cache.flushAll();
    expect(cache.size).toBe(0);
  });
});
