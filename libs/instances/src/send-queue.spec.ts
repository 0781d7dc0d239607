import { SendException } from './send.exception';
import { SendQueue } from './send-queue';

describe('SendQueue (one send at a time per instance, a minimum gap between sends)', () => {
  let clock: number;
  let waits: number[];
  const queue = (gap: number, max = 10) =>
    new SendQueue(gap, max, () => clock, async (ms) => {
      waits.push(ms);
      clock += ms;
    });

  beforeEach(() => {
    clock = 1_000;
    waits = [];
  });

  it('runs tasks in arrival order, never two at once', async () => {
    const q = queue(0);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const task = (n: number) => async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      order.push(n);
      running -= 1;
      return n;
    };
    expect(await Promise.all([1, 2, 3, 4].map((n) => q.run(task(n))))).toEqual([1, 2, 3, 4]);
    expect(order).toEqual([1, 2, 3, 4]);
    expect(peak).toBe(1);
    expect(waits).toEqual([]);
  });

  it('waits what is left of the gap since the previous send finished', async () => {
    const q = queue(300);
    await q.run(async () => {
      clock += 50; // the send itself took 50 ms
    });
    clock += 100; // 100 ms later the next one comes
    await q.run(async () => undefined);
    expect(waits).toEqual([200]);
    clock += 1_000;
    await q.run(async () => undefined);
    expect(waits).toEqual([200]);
  });

  it('a failed send is reported to its caller and does not stop the next', async () => {
    const q = queue(0);
    const failed = q.run(async () => {
      throw new Error('refused');
    });
    const next = q.run(async () => 'sent');
    await expect(failed).rejects.toThrow('refused');
    await expect(next).resolves.toBe('sent');
    expect(q.size).toBe(0);
  });

  it('refuses beyond its length with QUEUE_FULL', async () => {
    const q = queue(0, 2);
    let release!: () => void;
    const blocker = q.run(() => new Promise<void>((r) => (release = r)));
    const second = q.run(async () => undefined);
    await expect(q.run(async () => undefined)).rejects.toMatchObject({ code: 'QUEUE_FULL' } satisfies Partial<SendException>);
    expect(q.size).toBe(2);
    release();
    await Promise.all([blocker, second]);
    expect(q.size).toBe(0);
  });
});
