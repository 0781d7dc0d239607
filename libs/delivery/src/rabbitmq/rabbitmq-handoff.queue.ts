import type { PendingPublish } from '@gw/persistence';

/** Beyond this many waiting rows new ones are left to the outbox read (they are committed there). */
const MAX_ROWS = 20_000;

/**
 * The RabbitMQ rows this node committed, in commit order, waiting to be published without being
 * read back from the outbox. Every row here is also pending in the outbox, so dropping rows is
 * always safe as long as the outbox is read afterwards: a read covers every row committed before
 * it began, so the rows handed over before a read are dropped when it returns, and those handed
 * over during it are kept unless it returned them too.
 */
export class RabbitmqHandoff {
  private rows: PendingPublish[] = [];
  private waiter?: (arrived: boolean) => void;
  /** Rows were left to the outbox (a redelivery, an overflow): read it before trusting this queue. */
  readWanted = false;

  get size(): number {
    return this.rows.length;
  }

  /** Rows just committed; none means "read the outbox" (a redelivery set an old row pending). */
  add(rows: PendingPublish[]): void {
    if (!rows.length || this.rows.length + rows.length > MAX_ROWS) this.readWanted = true;
    else this.rows.push(...rows);
    this.notify(true);
  }

  /** The oldest `max` rows, removed. */
  take(max: number): PendingPublish[] {
    return this.rows.splice(0, max);
  }

  /** All rows are left to a later outbox read (another node publishes, or the broker is away). */
  clear(): void {
    this.rows = [];
  }

  /** Call as an outbox read starts; `done` with what it returned. */
  beginRead(): { done(read: PendingPublish[]): void } {
    this.readWanted = false;
    const mark = this.rows.length;
    return {
      done: (read) => {
        const seen = new Set(read.map((r) => r.id));
        this.rows = this.rows.slice(mark).filter((r) => !seen.has(r.id));
      },
    };
  }

  /**
   * A periodic read while this queue is trusted (no read wanted): it looks only for rows this
   * node does not hold (other nodes', or left from before), so it leaves out the held ones
   * instead of reading their bodies again, and they stay queued. Call as the read starts;
   * `done` with what it returned (rows handed over during the read and returned by it are dropped).
   */
  beginPoll(): { exclude: string[]; done(read: PendingPublish[]): void } {
    return {
      exclude: this.rows.map((r) => r.id),
      done: (read) => {
        if (!read.length) return;
        const seen = new Set(read.map((r) => r.id));
        this.rows = this.rows.filter((r) => !seen.has(r.id));
      },
    };
  }

  /** Resolves true when rows arrive (or a read is wanted), false after `ms` or on interrupt(); one wait at a time. */
  arrival(ms: number): Promise<boolean> {
    this.notify(false); // a wait given up on (the caller raced it with something else) ends here
    if (this.rows.length || this.readWanted) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.notify(false), ms);
      this.waiter = (arrived) => {
        clearTimeout(timer);
        resolve(arrived);
      };
    });
  }

  /** Ends a wait in arrival() (shutdown). */
  interrupt(): void {
    this.notify(false);
  }

  private notify(arrived: boolean) {
    const w = this.waiter;
    this.waiter = undefined;
    w?.(arrived);
  }
}
