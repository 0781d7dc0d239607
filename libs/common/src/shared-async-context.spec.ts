import { AsyncLocalStorage } from 'node:async_hooks';
import { SharedSlotStorage, withSharedAsyncContext } from './shared-async-context';

const tick = () => new Promise((r) => setImmediate(r));

describe('SharedSlotStorage', () => {
  it('keeps each slot apart, follows async chains and restores the outer store', async () => {
    const a = new SharedSlotStorage<string>();
    const b = new SharedSlotStorage<string>();
    expect(a.getStore()).toBeUndefined();
    const seen = await a.run('a1', async () => {
      await tick();
      const inner = await b.run('b1', async () => {
        await tick();
        return [a.getStore(), b.getStore(), await a.run('a2', async () => (await tick(), a.getStore()))];
      });
      return [...inner, a.getStore(), b.getStore(), a.exit(() => a.getStore())];
    });
    expect(seen).toEqual(['a1', 'b1', 'a2', 'a1', undefined, undefined]);
    expect(a.getStore()).toBeUndefined();
  });

  it('isolates concurrent runs of the same slot', async () => {
    const slot = new SharedSlotStorage<number>();
    const got = await Promise.all([1, 2, 3].map((n) => slot.run(n, async () => (await tick(), await tick(), slot.getStore()))));
    expect(got).toEqual([1, 2, 3]);
  });
});

describe('withSharedAsyncContext', () => {
  it('hands out slots only inside the call, and restores AsyncLocalStorage even when it throws', () => {
    const load = () => new (require('node:async_hooks').AsyncLocalStorage)();
    expect(withSharedAsyncContext(load)).toBeInstanceOf(SharedSlotStorage);
    expect(load()).toBeInstanceOf(AsyncLocalStorage);
    expect(() =>
      withSharedAsyncContext(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(require('node:async_hooks').AsyncLocalStorage).toBe(AsyncLocalStorage);
  });
});
