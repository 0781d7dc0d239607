import { RefreshAheadCache } from './refresh-ahead.cache';

/** A source whose reads the test answers one by one, so what waits for what is visible. */
function controlledSource() {
  const reads: { key: string; resolve: (v: string) => void; reject: (e: Error) => void }[] = [];
  const source = (key: string) => new Promise<string>((resolve, reject) => reads.push({ key, resolve, reject }));
  return { reads, source };
}

/** Lets settled reads reach the cache (their continuations run before the next macrotask). */
const nextTurn = () => new Promise((r) => setImmediate(r));

/** Whether a promise has settled, without waiting for it. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await nextTurn();
  return done;
}

describe('RefreshAheadCache', () => {
  const caches: RefreshAheadCache<string>[] = [];
  afterEach(() => caches.splice(0).forEach((c) => c.close()));

  const make = (options: { maxEntries?: number; keepWarmMs?: number } = {}) => {
    const { reads, source } = controlledSource();
    const cache = new RefreshAheadCache(source, { ttlMs: 5_000, refreshAheadMs: 1_000, maxEntries: 100, ...options });
    caches.push(cache);
    let t = 1_000_000;
    cache.now = () => t;
    /** A first read of `key`, answered with `value` by the source. */
    const loaded = async (key: string, value: string) => {
      const read = cache.get(key);
      reads[reads.length - 1].resolve(value);
      return read;
    };
    return { cache, reads, loaded, advance: (ms: number) => (t += ms) };
  };

  it('in an entry last second, a read gets the cached value at once and one reload runs behind it', async () => {
    const { cache, reads, loaded, advance } = make();
    expect(await loaded('a', 'v1')).toBe('v1');

    advance(3_999); // still more than a second left: a plain hit
    expect(await cache.get('a')).toBe('v1');
    expect(reads).toHaveLength(1);

    advance(1); // the last second: answered from the entry, reloaded behind it (once for both reads)
    const during = [cache.get('a'), cache.get('a')];
    expect(await settled(Promise.all(during))).toBe(true);
    expect(await Promise.all(during)).toEqual(['v1', 'v1']);
    expect(reads).toHaveLength(2);
    reads[1].resolve('v2');
    await nextTurn();
    expect(await cache.get('a')).toBe('v2');
    // the reloaded entry is good for a whole TTL from its load
    advance(3_999);
    expect(await cache.get('a')).toBe('v2');
    expect(reads).toHaveLength(2);
  });

  it('an expired entry is never served: the read waits for the source, and concurrent misses share one read', async () => {
    const { cache, reads, loaded, advance } = make();
    await loaded('a', 'v1');
    advance(5_000);
    const misses = [cache.get('a'), cache.get('a')];
    expect(await settled(misses[0])).toBe(false);
    expect(reads).toHaveLength(2);
    reads[1].resolve('v2');
    expect(await Promise.all(misses)).toEqual(['v2', 'v2']);
  });

  it('a load that started before invalidate() does not store what it read', async () => {
    const { cache, reads } = make();
    const stale = cache.get('a');
    cache.invalidate('a'); // say, /webhook/set ran while the row was being read
    const fresh = cache.get('a');
    expect(reads).toHaveLength(2);
    reads[1].resolve('new');
    reads[0].resolve('old');
    expect(await stale).toBe('old'); // its own caller started before the change
    expect(await fresh).toBe('new');
    expect(await cache.get('a')).toBe('new');
    expect(reads).toHaveLength(2);
  });

  it('a failed refresh keeps the entry until it expires; the read after that sees the error', async () => {
    const { cache, reads, loaded, advance } = make();
    await loaded('a', 'v1');
    advance(4_500);
    expect(await cache.get('a')).toBe('v1');
    reads[1].reject(new Error('database away'));
    await nextTurn();
    expect(await cache.get('a')).toBe('v1'); // and a new refresh starts
    expect(reads).toHaveLength(3);
    reads[2].reject(new Error('database away'));
    await nextTurn();
    advance(500);
    const expired = cache.get('a');
    expect(reads).toHaveLength(4);
    reads[3].reject(new Error('still away'));
    await expect(expired).rejects.toThrow('still away');
  });

  it('keeps at most maxEntries, dropping the least recently loaded', async () => {
    const { cache, reads, loaded } = make({ maxEntries: 2 });
    for (const key of ['a', 'b', 'c']) await loaded(key, key);
    expect(await cache.get('c')).toBe('c');
    expect(await cache.get('b')).toBe('b');
    expect(reads).toHaveLength(3);
    const again = cache.get('a'); // evicted: read again
    expect(reads).toHaveLength(4);
    reads[3].resolve('a2');
    expect(await again).toBe('a2');
  });

  it('keeps entries read within keepWarmMs fresh with no read; one nobody read for that long expires and is dropped', async () => {
    const { cache, reads, loaded, advance } = make({ keepWarmMs: 12_000 });
    await loaded('a', 'v1');
    advance(3_000);
    cache.refreshDue(); // more than a second left: nothing to do
    expect(reads).toHaveLength(1);
    advance(1_500);
    cache.refreshDue(); // its last second, no read since: reloaded anyway
    expect(reads).toHaveLength(2);
    reads[1].resolve('v2');
    await nextTurn();
    advance(3_000); // 7.5 s after the first read: past the first entry's end, well inside the reloaded one's
    expect(await cache.get('a')).toBe('v2'); // no wait, no read of the source
    expect(reads).toHaveLength(2);
    // that read at 7.5 s keeps it warm until 19.5 s; the reloads stop after that
    for (let round = 0; round < 10; round++) {
      advance(1_000);
      cache.refreshDue();
      const due = reads.length > 2 && reads[reads.length - 1];
      if (due) due.resolve(`v${reads.length}`);
      await nextTurn();
    }
    const reloads = reads.length - 2;
    expect(reloads).toBeGreaterThanOrEqual(2);
    advance(30_000);
    cache.refreshDue(); // cold and expired: dropped, so the next read waits for the source
    expect(reads).toHaveLength(2 + reloads);
    const cold = cache.get('a');
    expect(reads).toHaveLength(3 + reloads);
    reads[reads.length - 1].resolve('v-cold');
    expect(await cold).toBe('v-cold');
  });

  it('keep-warm reloads that fail stop at the entry end: the entry is dropped and left to the reads', async () => {
    const { cache, reads, loaded, advance } = make({ keepWarmMs: 60_000 });
    await loaded('a', 'v1');
    advance(4_500);
    cache.refreshDue();
    expect(reads).toHaveLength(2);
    reads[1].reject(new Error('database away'));
    await nextTurn();
    cache.refreshDue(); // still in its last second: tried again
    expect(reads).toHaveLength(3);
    reads[2].reject(new Error('database away'));
    await nextTurn();
    advance(1_000);
    cache.refreshDue();
    cache.refreshDue();
    expect(reads).toHaveLength(3); // expired: dropped, not reloaded round after round
    const read = cache.get('a');
    expect(reads).toHaveLength(4);
    reads[3].resolve('v2');
    expect(await read).toBe('v2');
  });
});
