import { RestorePacer } from './restore-pacer';

describe('RestorePacer', () => {
  afterEach(() => jest.useRealTimers());

  it('spaces turns evenly at the rate, in call order, whatever the concurrency', async () => {
    jest.useFakeTimers({ now: 0 });
    const pacer = new RestorePacer(4); // one start every 250 ms
    const startedAt: number[] = [];
    const all = Array.from({ length: 6 }, () => pacer.turn().then(() => startedAt.push(Date.now())));
    await jest.advanceTimersByTimeAsync(2_000);
    await Promise.all(all);
    expect(startedAt).toEqual([0, 250, 500, 750, 1000, 1250]);
  });

  it('does not bank unused turns: after a pause, the next start is immediate but the one after waits', async () => {
    jest.useFakeTimers({ now: 0 });
    const pacer = new RestorePacer(10);
    await pacer.turn();
    await jest.advanceTimersByTimeAsync(5_000);
    const t = Date.now();
    await pacer.turn();
    expect(Date.now()).toBe(t);
    const next = pacer.turn();
    await jest.advanceTimersByTimeAsync(99);
    let done = false;
    void next.then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it('0 means no pacing: every turn is given at once (the clock never moves)', async () => {
    jest.useFakeTimers({ now: 0 });
    const pacer = new RestorePacer(0);
    await Promise.all(Array.from({ length: 100 }, () => pacer.turn()));
    expect(Date.now()).toBe(0);
  });
});
