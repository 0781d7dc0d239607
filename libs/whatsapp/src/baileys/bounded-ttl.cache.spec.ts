import { BoundedTtlCache } from './bounded-ttl.cache';

describe('BoundedTtlCache', () => {
  let now = 1_000;
  const clock = () => now;

  it('answers until an entry outlives its lifetime, then forgets it', () => {
    const cache = new BoundedTtlCache<{ v: number }>(100, { now: clock });
    cache.set('session.a', { v: 1 });
    now += 99;
    expect(cache.get('session.a')).toEqual({ v: 1 });
    now += 1;
    expect(cache.get('session.a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('a sweep drops what expired even if nobody asks again (an idle instance empties its caches)', () => {
    const cache = new BoundedTtlCache<number>(100, { now: clock });
    cache.set('old', 1);
    now += 50;
    cache.set('young', 2);
    now += 60;
    cache.sweep();
    expect(cache.size).toBe(1);
    expect(cache.get('young')).toBe(2);
  });

  it('never holds skipped keys, and a skipped write removes an older cached value', () => {
    let skipping = false;
    const cache = new BoundedTtlCache<string>(1_000, { now: clock, skip: (k) => skipping && k.startsWith('pre-key.') });
    cache.set('pre-key.1', 'old');
    skipping = true;
    cache.set('pre-key.1', 'new');
    expect(cache.get('pre-key.1')).toBeUndefined();
    expect(cache.size).toBe(0);
    cache.set('session.1', 'a');
    expect(cache.get('session.1')).toBe('a');
  });

  it('with a capacity, the oldest write goes first (a rewrite counts as new)', () => {
    const cache = new BoundedTtlCache<number>(1_000, { now: clock, capacity: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 3);
    cache.set('c', 4);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(3);
    expect(cache.get('c')).toBe(4);
  });

  it('delete and clear remove entries', () => {
    const cache = new BoundedTtlCache<number>(1_000, { now: clock });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
