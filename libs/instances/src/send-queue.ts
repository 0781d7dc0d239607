import { SendException } from './send.exception';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * One instance's sends, one at a time and in arrival order, with at least `minIntervalMs`
 * between the end of one and the start of the next: concurrent API calls cannot reach
 * WhatsApp as a burst (bursts are what gets numbers banned).
 */
export class SendQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private lastDoneAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly minIntervalMs: number,
    private readonly maxWaiting: number,
    private readonly now: () => number = Date.now,
    private readonly wait: (ms: number) => Promise<void> = sleep,
  ) {}

  /** Sends queued or running. */
  get size(): number {
    return this.waiting;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.waiting >= this.maxWaiting) {
      return Promise.reject(new SendException('QUEUE_FULL', `${this.waiting} messages are already waiting to be sent`));
    }
    this.waiting += 1;
    const turn = this.tail.then(async () => {
      const gap = this.lastDoneAt + this.minIntervalMs - this.now();
      if (gap > 0) await this.wait(gap);
      try {
        return await task();
      } finally {
        this.lastDoneAt = this.now();
      }
    });
    this.tail = turn.catch(() => undefined); // a failed send must not stop the ones behind it
    return turn.finally(() => {
      this.waiting -= 1;
    });
  }
}
