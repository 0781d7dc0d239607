import type { PendingPublish } from '@gw/persistence';

/** Beyond this many waiting rows new ones are left to the outbox read (they are committed there). */
const MAX_ROWS = 20_000;

/**
 * The RabbitMQ rows this node committed, in commit order, waiting to be published without being
 * read back from the outbox. Every row here is also pending in the outbox, so dropping rows is
 * always safe as long as the outbox is read afterwards: a read covers every row committed before
 * it began, so the rows handed over before a read are dropped when it returns, and those handed
 * over during it are kept unless it returned them too. A row can also be handed over after a
 * read that returned it has ended (committed, read by a read that began just after the commit,
 * handed over once the producer saw its INSERT return): the ids recent reads returned are kept,
 * so such a row is not published a second time.
 */
export class RabbitmqHandoff {
  private rows: PendingPublish[] = [];
  /** Ids returned by recent outbox reads, in two generations (the older dropped once the newer is full). */
  private readIds = new Set<string>();
  private olderReadIds = new Set<string>();
  private waiter?: (arrived: boolean) => void;
  /** Rows were left to the outbox (a redelivery, an overflow): read it before trusting this queue. */
  readWanted = false;

  get size(): number {
    return this.rows.length;
  }

  /** Rows just committed; none means "read the outbox" (a redelivery set an old row pending). */
  add(rows: PendingPublish[]): void {
    const unread = rows.filter((r) => !this.readIds.has(r.id) && !this.olderReadIds.has(r.id));
    if (rows.length && !unread.length) return; // a read already returned all of them
    if (!rows.length || this.rows.length + unread.length > MAX_ROWS) this.readWanted = true;
    else this.rows.push(...unread);
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
        const seen = this.remember(read);
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
        const seen = this.remember(read);
        this.rows = this.rows.filter((r) => !seen.has(r.id));
      },
    };
  }

  /** The ids of a read's rows, also kept for rows handed over after it (see the class comment). */
  private remember(read: PendingPublish[]): Set<string> {
    const seen = new Set<string>();
    for (const r of read) {
      seen.add(r.id);
      if (this.readIds.size >= MAX_ROWS) {
        this.olderReadIds = this.readIds;
        this.readIds = new Set();
      }
      this.readIds.add(r.id);
    }
    return seen;
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
