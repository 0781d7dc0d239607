import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { DeliveryLogRepository, NewDelivery, PendingPublish, isRabbitmqTarget, withSequence, writtenRow } from '@gw/persistence';
import { QUEUES, REDIS_CONNECTION } from '@gw/redis';
import { JobsOptions, Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { serviceUnavailable, withTimeout } from '@gw/common';
import { BatchMembership } from './batch-membership.service';
import { DeliveryBatch, DeliveryJob, QueuedDelivery, RoutedDelivery, batchJobId } from './delivery-job';
import { groupIntoBatches } from './delivery-batches.util';
import { DeliveryMetrics } from './delivery.metrics';
import { mediaByUrl } from './media-by-url.util';
import { OrderedLanes } from './ordered-lanes.service';
import { storedBody } from './stored-body.util';

/** How long a producer waits for Redis before leaving the work to the outbox sweeper. */
const QUEUE_TIMEOUT_MS = 2_000;
const BATCH_JOB_NAME = 'batch';
/** Rows of one outbox INSERT, at most (whole enqueue() calls: a larger call goes alone). */
const MAX_BATCH_ROWS = 1_000;
/** Outbox INSERTs running at once; two of them never hold the same instance (see enqueue). */
const MAX_INSERTS_IN_FLIGHT = 2;

type PendingCall = { deliveries: RoutedDelivery[]; settle: (err?: unknown) => void };
/** The instance a delivery numbers or belongs to ('' for none). */
const instanceOf = (d: RoutedDelivery) => d.numbering?.instanceId ?? d.job.instanceId ?? '';

/**
 * Puts deliveries on the durable queue and in the attempt log. A delivery's own job has the
 * delivery id as its id, so adding the same delivery twice is a no-op; the first attempts of
 * new deliveries share a batch job, whatever their webhooks (see BatchMembership).
 */
@Injectable()
export class DeliveryProducer implements OnModuleInit, OnApplicationShutdown {
  private readonly queue: Queue<QueuedDelivery, void, string>;
  private readonly logger = new Logger('Delivery');
  private dispatchFailed = false;
  /** enqueue() calls not yet in a batch, in call order. */
  private pending: PendingCall[] = [];
  private insertsInFlight = 0;
  /** The instances of the batches being inserted: a call of one of them waits for the next batch. */
  private readonly insertingInstances = new Set<string>();
  /** A microtask will take the next batches (see startInsert). */
  private takeScheduled = false;
  /** Settles when the last batch taken is dispatched to Redis (or left to the sweeper). */
  private dispatched: Promise<void> = Promise.resolve();
  /** Batches not dispatched yet, in batch order; `jobs` is set once the batch's INSERT ended. */
  private readonly undispatched: { jobs?: DeliveryJob[]; done: () => void }[] = [];
  /** A dispatch to Redis is running. */
  private dispatching = false;
  /**
   * Gets the RabbitMQ rows of each batch once committed, to publish them without reading them
   * back; no rows (a redelivery) means "look in the outbox".
   */
  private rabbitmqRows: (rows: PendingPublish[]) => void = () => undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_CONNECTION) private readonly connection: IORedis,
    private readonly log: DeliveryLogRepository,
    private readonly lanes: OrderedLanes,
    private readonly metrics: DeliveryMetrics,
    private readonly membership: BatchMembership,
  ) {
    this.queue = new Queue<QueuedDelivery, void, string>(QUEUES.webhookDelivery, { connection, prefix: config.redis.prefix });
  }

  /** Pending deliveries live in Redis: an evicting Redis would silently drop them. */
  async onModuleInit() {
    this.metrics.setQueueProbe(() => this.snapshot());
    try {
      const [, policy] = (await this.connection.config('GET', 'maxmemory-policy')) as [string, string];
      if (policy !== 'noeviction') {
        this.logger.warn(`Redis maxmemory-policy is "${policy}"; set it to "noeviction" or queued webhooks can be lost`);
      }
    } catch {
      // Managed Redis often forbids CONFIG; nothing to check then.
    }
  }

  /** Queue depth by state and the age of the oldest undelivered job, read on each /metrics scrape. */
  private async snapshot() {
    const counts = await this.queue.getJobCounts('waiting', 'delayed', 'active', 'failed');
    const [oldestWaiting] = await this.queue.getJobs(['waiting'], 0, 0, true);
    const [oldestDelayed] = await this.queue.getJobs(['delayed'], 0, 0, true);
    const oldest = Math.min(oldestWaiting?.timestamp ?? Infinity, oldestDelayed?.timestamp ?? Infinity);
    return {
      waiting: counts.waiting ?? 0,
      delayed: counts.delayed ?? 0,
      active: counts.active ?? 0,
      failed: counts.failed ?? 0,
      oldestPendingAgeSeconds: Number.isFinite(oldest) ? (Date.now() - oldest) / 1000 : 0,
    };
  }

  onRabbitmqRows(handler: (rows: PendingPublish[]) => void): void {
    this.rabbitmqRows = handler;
  }

  laneKey(webhookId: string, chat: string): string {
    return this.lanes.laneKey(webhookId, chat);
  }

  jobOptions(job: DeliveryJob, jobId = job.deliveryId): JobsOptions {
    const schedule = job.scheduleMs ?? this.config.delivery.retryScheduleMs;
    return {
      jobId,
      attempts: schedule.length + 1 - (job.scheduleOffset ?? 0),
      backoff: { type: 'schedule' },
      // Every attempt is in the attempt log (Postgres): a stack trace per failure in the Redis
      // job hash is ~360 B per pending retry for nothing. Retention is set once on the Worker.
      stackTraceLimit: 0,
    };
  }

  /**
   * A batch retries as a whole only when it could not run at all (say Postgres was away); its
   * deliveries' own failures are split into jobs of their own. It may carry several webhooks'
   * deliveries, so those whole-job retries follow the deployment's schedule, not one webhook's
   * (the processor's backoff does the same). Once done it is removed: it holds every body, and
   * the outbox rows (and the members' own retry jobs) say what happened.
   */
  private batchOptions(batch: DeliveryBatch): JobsOptions {
    const { scheduleMs: _own, scheduleOffset: _used, ...first } = batch.deliveries[0];
    return { ...this.jobOptions(first, batchJobId(batch)), removeOnComplete: true };
  }

  /**
   * Group commit on the producer side: concurrent enqueue() calls (many instances publishing at
   * once) share one outbox INSERT and one addBulk. A batch is taken as soon as an INSERT may
   * start, so a lone caller pays no added delay. A batch takes whole calls up to MAX_BATCH_ROWS
   * rows: an unbounded one grows with the backlog (thousands of rows, an INSERT of half a second),
   * and nothing of it reaches a destination before it all commits.
   *
   * Pipelined: up to MAX_INSERTS_IN_FLIGHT INSERTs run at once, and no two of them hold the
   * same instance: they number its events by updating its row, so one instance's INSERTs run one
   * at a time, in call order, and its numbers follow that order (nor can two of them wait on
   * each other's rows). With one INSERT at a time, every event of a fleet waited for the INSERT
   * before its own to end (bench/fleet, 500 events/s over 100 instances: INSERTs ~11 ms apart).
   * Dispatches run one at a time in batch order (ordered lanes keep their order), each taking the
   * batches committed by then, while the next INSERTs run, so Postgres and Redis work at the same time.
   * Callers resolve once their batch is committed (it is durable then: a dispatch that fails or
   * never happens is the sweeper's) and the batch before theirs is dispatched, so callers that
   * each wait for their own event (many instances) overlap too, while a slow Redis still slows
   * publishers instead of piling batches up in memory.
   */
  enqueue(deliveries: RoutedDelivery[]): Promise<void> {
    if (!deliveries.length) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ deliveries, settle: (err) => (err === undefined ? resolve() : reject(err)) });
      this.startInsert();
    });
  }

  private startInsert(): void {
    if (this.takeScheduled || this.insertsInFlight >= MAX_INSERTS_IN_FLIGHT || !this.pending.length) return;
    this.takeScheduled = true;
    // A microtask later, so the calls made in the same tick join this batch.
    queueMicrotask(() => {
      this.takeScheduled = false;
      while (this.insertsInFlight < MAX_INSERTS_IN_FLIGHT) {
        const batch = this.takeBatch();
        if (!batch.length) return;
        this.writeBatch(batch);
      }
    });
  }

  /**
   * The oldest calls, whole, up to MAX_BATCH_ROWS rows (at least one call), leaving those of an
   * instance an INSERT in flight holds, and every later call of a left one's instances (they
   * keep their order).
   */
  private takeBatch(): PendingCall[] {
    const taken: PendingCall[] = [];
    const left: PendingCall[] = [];
    const held = new Set(this.insertingInstances);
    let rows = 0;
    for (const call of this.pending) {
      const fits = !taken.length || rows + call.deliveries.length <= MAX_BATCH_ROWS;
      if (fits && call.deliveries.every((d) => !held.has(instanceOf(d)))) {
        taken.push(call);
        rows += call.deliveries.length;
      } else {
        left.push(call);
        for (const d of call.deliveries) held.add(instanceOf(d));
      }
    }
    this.pending = left;
    return taken;
  }

  private writeBatch(callers: PendingCall[]): void {
    const instances = new Set(callers.flatMap((c) => c.deliveries.map(instanceOf)));
    for (const id of instances) this.insertingInstances.add(id);
    this.insertsInFlight++;
    const written = this.insert(callers.flatMap((c) => c.deliveries));
    const previous = this.dispatched;
    const slot: (typeof this.undispatched)[number] = { done: () => undefined };
    this.dispatched = new Promise<void>((resolve) => (slot.done = resolve));
    this.undispatched.push(slot);
    // A failed INSERT fails the callers of that batch (below) and has nothing to dispatch; the next batches go on.
    void written
      .then((sendable) => (slot.jobs = sendable), () => (slot.jobs = []))
      .then(() => {
        for (const id of instances) this.insertingInstances.delete(id);
        this.insertsInFlight--;
        this.startInsert();
        this.dispatchCommitted();
      });
    // A failed INSERT fails its callers (they must know); a failed dispatch never does (see dispatchWritten).
    Promise.all([written, previous]).then(
      () => callers.forEach((c) => c.settle()),
      (err: unknown) => callers.forEach((c) => c.settle(err ?? new Error('outbox write failed'))),
    );
  }

  /**
   * Dispatches, in one go, the committed batches at the head of the batch order, up to
   * MAX_BATCH_ROWS jobs (at least one batch), one dispatch at a time: with two INSERTs in flight,
   * a dispatch per batch could not keep up (at 500 events/s over 100 instances: 2-row batches,
   * each waiting for the last batch's round trip).
   */
  private dispatchCommitted(): void {
    if (this.dispatching) return;
    let n = 0;
    let jobs = 0;
    for (const slot of this.undispatched) {
      if (!slot.jobs || (n && jobs + slot.jobs.length > MAX_BATCH_ROWS)) break;
      jobs += slot.jobs.length;
      n++;
    }
    if (!n) return;
    const slots = this.undispatched.splice(0, n);
    this.dispatching = true;
    void this.dispatchWritten(slots.flatMap((s) => s.jobs!)).finally(() => {
      this.dispatching = false;
      for (const s of slots) s.done();
      this.dispatchCommitted();
    });
  }

  /** Writes a batch to the outbox (Postgres) and numbers its events; returns what may be sent. */
  private async insert(batch: RoutedDelivery[]): Promise<DeliveryJob[]> {
    if (!batch.length) return [];
    const max = this.config.delivery.maxBodyBytes;
    const jobs = batch.map((d) => d.job);
    // Each body's size is taken once (a scan of ~1 KB each time): a string's length is a lower
    // bound of its UTF-8 size and 3x an upper one, so most bodies need no scan at all.
    const fits = (body: string) => body.length * 3 <= max || (body.length <= max && Buffer.byteLength(body) <= max);
    const ok = new Set<DeliveryJob>();
    for (const j of jobs) {
      if (!fits(j.body)) {
        // Too big with its media inline: send the media by URL rather than drop the event.
        const slim = mediaByUrl(j.body);
        if (slim === undefined || !fits(slim)) continue;
        j.body = slim;
      }
      ok.add(j);
    }
    const sendable = jobs.filter((j) => ok.has(j));
    // Event numbers in batch order: per instance, one rank per event.
    const ranks = new Map<object, number>();
    const counts = new Map<string, number>();
    const rankOf = (n: NonNullable<RoutedDelivery['numbering']>) => {
      let rank = ranks.get(n.event);
      if (rank === undefined) {
        rank = (counts.get(n.instanceId) ?? 0) + 1;
        counts.set(n.instanceId, rank);
        ranks.set(n.event, rank);
      }
      return rank;
    };
    const rows: NewDelivery[] = batch.map(({ job: j, numbering }) => {
      const tooLarge = !ok.has(j);
      return {
        id: j.deliveryId,
        instanceId: j.instanceId,
        instanceName: j.instanceName,
        webhookId: j.webhookId,
        target: j.target,
        event: j.event,
        url: j.url,
        sequence: j.sequence,
        status: tooLarge ? 'too_large' : 'pending',
        // An oversized body is not kept either: the log records why it was not sent.
        body: tooLarge ? '' : storedBody(j.event, j.body),
        ...(tooLarge ? { lastError: `body of ${Buffer.byteLength(j.body)} bytes exceeds WEBHOOK_MAX_BODY_BYTES (${max})` } : {}),
        ...(numbering ? { numbering: { rank: rankOf(numbering), inBody: numbering.inBody } } : {}),
      };
    });
    for (const r of rows) if (r.status === 'too_large') this.logger.error(`${r.event} ${r.id} not sent: ${r.lastError}`);
    // Postgres first: it is the outbox. If Redis is down, the sweeper dispatches these later.
    const bases = await this.log.insertDeliveries(rows);
    batch.forEach(({ job, numbering }, i) => {
      const base = numbering ? bases.get(numbering.instanceId) : undefined;
      if (!numbering || base === undefined) return;
      job.sequence = base + rows[i].numbering!.rank;
      if (numbering.inBody) job.body = withSequence(job.body, job.sequence);
    });
    const rabbitmq = rows.flatMap((r, i) => (r.status === 'pending' && isRabbitmqTarget(r.target) ? [writtenRow(r, batch[i].job.sequence, batch[i].job.body)] : []));
    if (rabbitmq.length) this.rabbitmqRows(rabbitmq);
    return sendable;
  }

  /** Queues a written batch; if Redis fails or hangs, the rows wait in Postgres for the sweeper. */
  private async dispatchWritten(sendable: DeliveryJob[]): Promise<void> {
    if (!sendable.length) return;
    try {
      await withTimeout(this.dispatch(sendable, { batch: true }), QUEUE_TIMEOUT_MS);
    } catch (err) {
      this.dispatchFailed = true;
      this.logger.warn(`queue unavailable (${(err as Error).message}); ${sendable.length} deliveries kept in Postgres for later dispatch`);
    }
  }

  /** True once after a dispatch failed: the outbox sweeper then re-dispatches from Postgres. */
  takeDispatchFailure(): boolean {
    const failed = this.dispatchFailed;
    this.dispatchFailed = false;
    return failed;
  }

  /**
   * Adds jobs (ordered ones through their lane); re-adding an existing job id is a no-op.
   * `batch`: new deliveries (never dispatched before), whose first attempts may share a job.
   */
  async dispatch(jobs: DeliveryJob[], options: { batch?: boolean } = {}): Promise<void> {
    const now: DeliveryJob[] = [];
    for (const job of jobs) {
      if (isRabbitmqTarget(job.target)) continue; // not a webhook: published from the outbox directly
      if (!job.laneKey || (await this.lanes.push(job))) now.push(job);
    }
    if (!now.length) return;
    const { singles, batches } = options.batch ? groupIntoBatches(now) : { singles: now, batches: [] };
    const carried: DeliveryBatch[] = batches.map((deliveries) => ({ deliveries }));
    // One round trip: the index entry is written first on the same connection, so Redis has it
    // before the job (a batch job the sweeper cannot find in the index would be sent twice). An
    // entry left behind by a failed add is harmless: the sweeper checks that the job exists.
    const recorded = this.membership.record(carried.map((b) => ({ jobId: batchJobId(b), deliveryIds: b.deliveries.map((d) => d.deliveryId) })));
    const added = this.queue.addBulk([
      ...singles.map((data) => ({ name: data.event, data, opts: this.jobOptions(data) })),
      ...carried.map((data) => ({ name: BATCH_JOB_NAME, data, opts: this.batchOptions(data) })),
    ]);
    await Promise.all([recorded, added]);
  }

  /** Queues a lane's next head (ordered webhooks) after the previous one finished. */
  async release(job: DeliveryJob): Promise<void> {
    await this.queue.add(job.event, job, this.jobOptions(job));
  }

  /** Gives deliveries whose first attempt failed in a batch a job of their own, `delayMs` from now. */
  async retryAlone(retries: { job: DeliveryJob; delayMs: number }[]): Promise<void> {
    if (!retries.length) return;
    await this.queue.addBulk(retries.map(({ job, delayMs }) => ({ name: job.event, data: job, opts: { ...this.jobOptions(job), delay: delayMs } })));
  }

  /** Whether a batch job is still to run (waiting, delayed or running), as opposed to finished or gone. */
  async batchPending(jobId: string): Promise<boolean> {
    const state = await this.queue.getJobState(jobId);
    return state !== 'completed' && state !== 'failed' && state !== 'unknown';
  }

  /** Sends a stored delivery again with its original id (so receivers can deduplicate). */
  async redeliver(job: DeliveryJob): Promise<void> {
    if (isRabbitmqTarget(job.target)) {
      await this.log.setStatus([job.deliveryId], 'pending'); // the RabbitMQ publisher picks pending rows up
      return this.rabbitmqRows([]);
    }
    const { laneKey: _lane, ...unordered } = job; // a replay is explicit: it does not queue behind a chat
    try {
      await withTimeout(
        (async () => {
          // Still in its chat's lane (an ordered webhook's pending delivery): the head is sent now and
          // keeps its lane (which advances when it ends); one waiting behind it goes in its turn.
          const laneKey = (await this.lanes.lanesOf([job.deliveryId])).get(job.deliveryId);
          if (laneKey && (await this.lanes.head(laneKey))?.deliveryId !== job.deliveryId) return;
          const replay = laneKey ? { ...unordered, laneKey } : unordered;
          await this.queue.remove(job.deliveryId); // the finished job keeps its id; clear it to reuse the id
          await this.queue.add(job.event, replay, this.jobOptions(replay));
        })(),
        QUEUE_TIMEOUT_MS,
      );
    } catch (err) {
      throw serviceUnavailable(`The delivery queue (Redis) is unavailable, try again shortly: ${(err as Error).message}`);
    }
    await this.log.setStatus([job.deliveryId], 'pending');
  }

  get bullQueue(): Queue<QueuedDelivery, void, string> {
    return this.queue;
  }

  /** Last phase: instances stopping (onModuleDestroy) may still publish. */
  async onApplicationShutdown() {
    await this.dispatched; // committed batches callers were already told about
    await this.queue.close();
  }
}
