import { TtlCacheStore } from './ttl-cache.store';

describe('TtlCacheStore', () => {
  let now = 1_000;
  const clock = () => now;

  it('answers until an entry outlives its lifetime, then forgets it', () => {
    const cache = new TtlCacheStore(100, undefined, clock);
    cache.set('session.a', { v: 1 });
    now += 99;
    expect(cache.get('session.a')).toEqual({ v: 1 });
    now += 1;
    expect(cache.get('session.a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('a sweep drops what expired even if nobody asks again (an idle socket empties its cache)', () => {
    const cache = new TtlCacheStore(100, undefined, clock);
    cache.set('old', 1);
    now += 50;
    cache.set('young', 2);
    now += 60;
    cache.sweep();
    expect(cache.size).toBe(1);
    expect(cache.get('young')).toBe(2);
  });

  it('never holds skipped keys, and a skipped write removes an older cached value', () => {
    const cache = new TtlCacheStore(1_000, (k) => k.startsWith('pre-key.'), clock);
    cache.set('pre-key.1', { public: 'x' });
    expect(cache.get('pre-key.1')).toBeUndefined();
    expect(cache.size).toBe(0);
    cache.set('session.1', 'a');
    expect(cache.get('session.1')).toBe('a');
  });

  it('with a capacity, the oldest write goes first (a rewrite counts as new)', () => {
    const cache = new TtlCacheStore(1_000, undefined, clock, 2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 3);
    cache.set('c', 4);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(3);
    expect(cache.get('c')).toBe(4);
  });

  it('del and flushAll remove entries', () => {
    const cache = new TtlCacheStore(1_000, undefined, clock);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.del('a');
    expect(cache.get('a')).toBeUndefined();
    cache.flushAll();
    expect(cache.size).toBe(0);
  });
});
