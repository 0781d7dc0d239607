import { QueueEvents } from 'bullmq';
import IORedis from 'ioredis';

export type QueueEventKind = 'added' | 'delayed' | 'completed' | 'failed';

/**
 * What a BullMQ queue reported (through its event stream, so jobs of every process count): each
 * job's event kinds in order, and every job added with its name. Tests await a job's events here
 * instead of polling its state or sleeping.
 */
export class QueueEventLog {
  /** Every job added, in order (with `'added'` among the kinds listened to). */
  readonly added: { jobId: string; name: string }[] = [];
  private readonly kinds = new Map<string, QueueEventKind[]>();
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly events: QueueEvents,
    private readonly connection: IORedis,
  ) {}

  static async open(queue: string, options: { redisUrl: string; prefix: string; kinds: QueueEventKind[] }): Promise<QueueEventLog> {
    const connection = new IORedis(options.redisUrl, { maxRetriesPerRequest: null });
    const events = new QueueEvents(queue, { connection, prefix: options.prefix });
    await events.waitUntilReady();
    const log = new QueueEventLog(events, connection);
    for (const kind of options.kinds) events.on(kind, (event: { jobId: string; name?: string }) => log.record(kind, event));
    return log;
  }

  /** The job's event kinds so far, in order. */
  kindsOf(jobId: string): QueueEventKind[] {
    return this.kinds.get(jobId) ?? [];
  }

  /** Resolves with the job's event kinds once `done` holds for them (at once if it already does). */
  async until(jobId: string, done: (kinds: QueueEventKind[]) => boolean): Promise<QueueEventKind[]> {
    while (!done(this.kindsOf(jobId))) await new Promise<void>((wake) => this.waiters.push(wake));
    return this.kindsOf(jobId);
  }

  /** Resolves once the job has reported `kind`, whenever it did. */
  async reached(jobId: string, kind: QueueEventKind): Promise<void> {
    await this.until(jobId, (kinds) => kinds.includes(kind));
  }

  async close(): Promise<void> {
    await this.events.close();
    this.connection.disconnect();
  }

  private record(kind: QueueEventKind, { jobId, name }: { jobId: string; name?: string }): void {
    if (kind === 'added') this.added.push({ jobId, name: name ?? '' });
    this.kinds.set(jobId, [...this.kindsOf(jobId), kind]);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
