import { GroupCommit } from './group-commit.util';

describe('GroupCommit', () => {
  it('runs what queued meanwhile as one batch, a key never in two batches at once, in order', async () => {
    const batches: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const commit = new GroupCommit<string, string>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await gate;
        return items.map((i) => i.toUpperCase());
      },
      { maxInFlight: 2, maxItems: 10, keyOf: (item) => item[0] },
    );
    const first = commit.submit('a1');
    await Promise.resolve();
    await Promise.resolve();
    // a1 runs (held); a2 must wait for it, b1 and c1 may go at once in a second batch
    const rest = [commit.submit('a2'), commit.submit('b1'), commit.submit('c1')];
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([['a1'], ['b1', 'c1']]);
    release();
    expect(await Promise.all([first, ...rest])).toEqual(['A1', 'A2', 'B1', 'C1']);
    expect(batches).toEqual([['a1'], ['b1', 'c1'], ['a2']]);
  });

  it('a failing batch is run again item by item, so only the bad item fails', async () => {
    const commit = new GroupCommit<number, number>(
      async (items) => {
        if (items.includes(13)) throw new Error('unlucky');
        return items.map((i) => i * 2);
      },
      { maxInFlight: 1, maxItems: 10 },
    );
    const results = await Promise.allSettled([commit.submit(1), commit.submit(13), commit.submit(3)]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual([2, 'failed', 6]);
  });

  describe('minSpacingMs', () => {
    // The real microtask queue: GroupCommit takes a batch on the next microtask.
    beforeEach(() => jest.useFakeTimers({ now: 1_000_000, doNotFake: ['queueMicrotask', 'nextTick'] }));
    afterEach(() => jest.useRealTimers());

    /** A commit that records each statement's items and the fake clock when it started. */
    function spaced() {
      const batches: { at: number; items: string[] }[] = [];
      const commit = new GroupCommit<string, string>(
        async (items) => {
          batches.push({ at: performance.now(), items });
          return items;
        },
        { maxInFlight: 1, maxItems: 10, keyOf: (item) => item[0], minSpacingMs: 10 },
      );
      return { batches, commit };
    }

    it('holds the next statement until the spacing has passed, so the callers arriving meanwhile share it', async () => {
      const { batches, commit } = spaced();
      const t0 = performance.now();
      await commit.submit('a1');
      await jest.advanceTimersByTimeAsync(2);
      const b1 = commit.submit('b1');
      await jest.advanceTimersByTimeAsync(3);
      const c1 = commit.submit('c1');
      await jest.advanceTimersByTimeAsync(4); // 9 ms after the first statement started
      expect(batches.map((b) => b.items)).toEqual([['a1']]);
      await jest.advanceTimersByTimeAsync(1);
      expect(await Promise.all([b1, c1])).toEqual(['b1', 'c1']);
      expect(batches.map((b) => [b.at - t0, b.items])).toEqual([
        [0, ['a1']],
        [10, ['b1', 'c1']],
      ]);
    });

    it('does not hold back a caller of the last statement that is back, nor a lone caller after a quiet spell', async () => {
      const { batches, commit } = spaced();
      const t0 = performance.now();
      await commit.submit('a1');
      await commit.submit('a2'); // a1's caller is back at once: no wait
      await jest.advanceTimersByTimeAsync(1);
      const b1 = commit.submit('b1'); // a newcomer 1 ms later waits for the spacing...
      const a3 = commit.submit('a3'); // ...until the busy caller is back, and goes with it
      await Promise.resolve();
      await Promise.resolve();
      expect(await Promise.all([b1, a3])).toEqual(['b1', 'a3']);
      await jest.advanceTimersByTimeAsync(50);
      await commit.submit('c1'); // quiet for 50 ms: goes at once
      expect(batches.map((b) => [b.at - t0, b.items])).toEqual([
        [0, ['a1']],
        [0, ['a2']],
        [1, ['b1', 'a3']],
        [51, ['c1']],
      ]);
    });

    it('is refused without keyOf', () => {
      expect(() => new GroupCommit(async (items: number[]) => items, { maxInFlight: 1, maxItems: 10, minSpacingMs: 5 })).toThrow(/needs keyOf/);
    });
  });
});
