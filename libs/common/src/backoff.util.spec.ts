import { backoffDelay, runWithConcurrency } from './backoff.util';

describe('backoffDelay', () => {
  it('doubles per attempt within +-20 % and caps at the maximum', () => {
    expect(backoffDelay(1, 1000, 60000, () => 0.5)).toBe(1000);
    expect(backoffDelay(3, 1000, 60000, () => 0.5)).toBe(4000);
    expect(backoffDelay(3, 1000, 60000, () => 1)).toBe(4800);
    expect(backoffDelay(3, 1000, 60000, () => 0)).toBe(3200);
    expect(backoffDelay(20, 1000, 60000, () => 0.5)).toBe(60000);
  });
});

describe('runWithConcurrency', () => {
  it('never runs more than the limit at once and runs every item', async () => {
    let active = 0;
    let peak = 0;
    const done: number[] = [];
    await runWithConcurrency([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((r) => setImmediate(r));
      done.push(n);
      active -= 1;
    });
    expect(peak).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
