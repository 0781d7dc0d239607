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
});
