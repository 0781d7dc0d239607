import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EventName } from '@gw/events';
import { DeliveryLogRepository, WebhookRepository } from '@gw/persistence';
import { REDIS_CONNECTION } from '@gw/redis';
import type IORedis from 'ioredis';
import { BatchMembership } from './batch-membership.service';
import { DeliveryJob } from './delivery-job';
import { DeliveryProducer } from './delivery-producer.service';
import { OrderedLanes } from './ordered-lanes.service';

/** Safety net; the sweep that matters runs when Redis comes back or a dispatch failed. */
const SWEEP_EVERY_MS = 5 * 60_000;
const CHECK_EVERY_MS = 2_000;
/** Younger rows are still being dispatched by their producer. */
const GRACE_MS = 5_000;
const BATCH = 500;

/**
 * The outbox sweeper: every delivery is written to Postgres before it is queued, so if Redis
 * was down (or restarted empty) the pending rows are queued again here, by id. Re-adding a job
 * that still exists is a no-op, and a first attempt still waiting in a batch job is left to it,
 * so sweeping often is safe and several nodes may sweep at once.
 */
@Injectable()
export class DeliverySweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Outbox');
  private timer?: NodeJS.Timeout;
  private check?: NodeJS.Timeout;
  private afterGrace?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(REDIS_CONNECTION) private readonly redis: IORedis,
    private readonly log: DeliveryLogRepository,
    private readonly webhookRows: WebhookRepository,
    private readonly producer: DeliveryProducer,
    private readonly membership: BatchMembership,
    private readonly lanes: OrderedLanes,
  ) {}

  onApplicationBootstrap() {
    void this.sweep(); // what a previous process left undispatched
    // Rows it committed in its last seconds are younger than the grace at boot: look again once
    // they are older, rather than leave them to the safety net minutes later.
    this.afterGrace = setTimeout(() => void this.sweep(), GRACE_MS + 1_000);
    this.afterGrace.unref();
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
    this.check = setInterval(() => {
      if (this.producer.takeDispatchFailure()) void this.sweep();
    }, CHECK_EVERY_MS);
    this.check.unref();
    // A Redis that just came back (perhaps restarted empty) is swept at once.
    this.redis.on('ready', () => void this.sweep());
  }

  /** One pass over the pending rows; concurrent calls share the pass in progress. */
  sweep(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    let after: { createdAt: Date; id: string } | undefined;
    let requeued = 0;
    const before = new Date(Date.now() - GRACE_MS);
    if (this.redis.status !== 'ready') return; // nothing to hand over to yet
    try {
      await this.lanes.indexOlderLanes();
      for (;;) {
        const page = await this.log.findPending(before, after, BATCH);
        if (!page.length) break;
        const rows = await this.outsideLanes(await this.unbatched(page));
        const hooks = await this.webhooks(rows.map((r) => r.webhookId).filter((id): id is string => !!id));
        await this.producer.dispatch(
          rows.map((r): DeliveryJob => {
            const hook = r.webhookId ? hooks.get(r.webhookId) : undefined;
            return {
              deliveryId: r.id,
              instanceId: r.instanceId,
              instanceName: r.instanceName,
              webhookId: r.webhookId,
              target: r.target as 'instance' | 'global',
              event: r.event as EventName,
              url: r.url,
              headers: hook?.headers ?? {},
              body: r.body,
              sequence: r.sequence === null ? null : Number(r.sequence),
              enqueuedAt: r.createdAt.getTime(),
              ...(hook?.retrySchedule ? { scheduleMs: hook.retrySchedule.split(',').map((x) => Number(x) * 1000) } : {}),
              attemptOffset: r.attempts,
            };
          }),
        );
        requeued += rows.length;
        after = { createdAt: page[page.length - 1].createdAt, id: page[page.length - 1].id };
        if (page.length < BATCH) break;
      }
    } catch (err) {
      this.logger.warn(`outbox sweep stopped: ${(err as Error).message}`);
    }
    if (requeued) this.logger.log(`outbox: ${requeued} pending deliveries checked against the queue`);
  }

  /**
   * The rows to re-add by id: not those whose first attempt waits in a batch job still to run,
   * nor those a worker recorded an attempt of since they were read (their own job exists then: a
   * batch records its deliveries and queues their retries before it forgets them).
   */
  private async unbatched<R extends { id: string; attempts: number }>(rows: R[]): Promise<R[]> {
    const batchOf = await this.membership.lookup(rows.map((r) => r.id));
    const live = new Set<string>();
    for (const jobId of new Set(batchOf.values())) if (await this.producer.batchPending(jobId)) live.add(jobId);
    const loose = rows.filter((r) => !live.has(batchOf.get(r.id) ?? ''));
    const now = await this.log.progressOf(loose.map((r) => r.id));
    // Entries of batches that are gone (their process died for good, or Redis lost the job).
    await this.membership.forget([...batchOf].filter(([, jobId]) => !live.has(jobId)).map(([id]) => id));
    return loose.filter((r) => now.get(r.id)?.status === 'pending' && now.get(r.id)?.attempts === r.attempts);
  }

  /**
   * Rows waiting in (or heading) an ordered webhook's chat lane stay there: queued by id they
   * would overtake the deliveries before them. Each such lane's head is queued again instead (a
   * no-op while its job exists), which restarts a lane whose head never reached the queue.
   */
  private async outsideLanes<R extends { id: string }>(rows: R[]): Promise<R[]> {
    const laneOf = await this.lanes.lanesOf(rows.map((r) => r.id));
    for (const laneKey of new Set(laneOf.values())) {
      const head = await this.lanes.head(laneKey);
      if (head) await this.producer.release(head);
    }
    return rows.filter((r) => !laneOf.has(r.id));
  }

  private webhooks(ids: string[]) {
    return this.webhookRows.findDeliveryFields(ids);
  }

  onModuleDestroy() {
    if (this.timer) clearInterval(this.timer);
    if (this.check) clearInterval(this.check);
    if (this.afterGrace) clearTimeout(this.afterGrace);
  }
}
