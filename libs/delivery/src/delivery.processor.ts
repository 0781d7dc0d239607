import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { DeliveryLogRepository } from '@gw/persistence';
import { QUEUES, REDIS_CONNECTION } from '@gw/redis';
import { DelayedError, Job, MinimalJob, UnrecoverableError, Worker } from 'bullmq';
import type IORedis from 'ioredis';
import { AttemptLogWriter } from './attempt-log.writer';
import { DeliveryBatchProcessor } from './delivery-batch.processor';
import { DeliveryBatch, DeliveryJob, QueuedDelivery, isBatch } from './delivery-job';
import { DeliveryProducer } from './delivery-producer.service';
import { KEEP_COMPLETED, KEEP_FAILED } from './delivery.constants';
import { OrderedLanes } from './ordered-lanes.service';
import { retryDelay } from './retry-schedule';
import { SigningConfig, SigningConfigCache } from './signing-config.cache';
import { keepsBodyInJob } from './stored-body.util';
import { WebhookAttempts } from './webhook-attempts.service';

/** How long a job our own Postgres or Redis failed waits before it runs again (plus up to as much again, spread). */
const HAND_BACK_DELAY_MS = 5_000;

/** A retryable failure that knows how long the receiver asked us to wait (429/503 Retry-After). */
class RetryLaterError extends Error {
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
  }
}

/**
 * Consumes the delivery queue: a job is one delivery (its retries, ordered lanes, replays) or a
 * batch of first attempts (DeliveryBatchProcessor). Every attempt is logged; see WebhookAttempts
 * for what each answer means.
 */
@Injectable()
export class DeliveryProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Delivery');
  private worker?: Worker<QueuedDelivery>;
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_CONNECTION) private readonly connection: IORedis,
    private readonly signing: SigningConfigCache,
    private readonly attempts: AttemptLogWriter,
    private readonly webhookAttempts: WebhookAttempts,
    private readonly batches: DeliveryBatchProcessor,
    private readonly producer: DeliveryProducer,
    private readonly lanes: OrderedLanes,
    private readonly log: DeliveryLogRepository,
  ) {}

  onApplicationBootstrap() {
    if (!this.config.delivery.workerEnabled) return;
    const fallback = this.config.delivery.retryScheduleMs;
    this.worker = new Worker<QueuedDelivery>(QUEUES.webhookDelivery, (job, token) => this.process(job, token), {
      // A worker needs its own connection: it blocks waiting for jobs.
      connection: this.connection.duplicate(),
      prefix: this.config.redis.prefix,
      concurrency: this.config.delivery.concurrency,
      // A job held by a process that died (SIGKILL) is recovered once its lock expires; the lock
      // is renewed while a job runs, so it can be much shorter than the request timeout.
      lockDuration: 10_000,
      // Retention for every job, instead of repeating it in each job's opts (~120 B per job).
      removeOnComplete: KEEP_COMPLETED,
      removeOnFail: KEEP_FAILED,
      stalledInterval: 5_000,
      settings: {
        backoffStrategy: (attemptsMade: number, _type?: string, err?: Error, job?: MinimalJob) => {
          if (err instanceof RetryLaterError && err.retryAfterMs !== undefined) return err.retryAfterMs;
          const data = job?.data as QueuedDelivery | undefined;
          // A batch (possibly several webhooks) retries as a whole on the deployment's schedule, as its job options say.
          const one = data && !isBatch(data) ? data : undefined;
          return retryDelay(one?.scheduleMs ?? fallback, attemptsMade + (one?.scheduleOffset ?? 0));
        },
      },
    });
    this.worker.on('error', (err) => this.logger.error(`delivery worker error: ${err.message}`));
    const day = 24 * 3600 * 1000;
    this.purgeTimer = setInterval(() => void this.purge(day), 3600 * 1000);
    this.purgeTimer.unref();
  }

  process(job: Job<QueuedDelivery>, token?: string): Promise<void> {
    return isBatch(job.data) ? this.batches.process(job as Job<DeliveryBatch>) : this.processOne(job as Job<DeliveryJob>, token);
  }

  /** One attempt of a delivery that has a job of its own; a failure is retried by the queue. */
  private async processOne(job: Job<DeliveryJob>, token?: string): Promise<void> {
    const data = job.data;
    const attempt = job.attemptsMade + 1 + (data.attemptOffset ?? 0);
    const isLast = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    let cfg: SigningConfig;
    let body: string;
    try {
      // An earlier run did not finish (its process died, or it was handed back): this attempt may be recorded already.
      if (job.attemptsStarted > job.attemptsMade + 1 && (await this.endedEarlier(job, attempt))) return;
      cfg = await this.signing.get(data.webhookId);
      body = await this.webhookAttempts.bodyOf(data);
    } catch (err) {
      if (err instanceof RetryLaterError || err instanceof UnrecoverableError) throw err;
      // The receiver was not tried: this does not use up an attempt of the webhook's schedule.
      return this.handBack(job, token, 'not attempted', err as Error);
    }
    const result = await this.webhookAttempts.make(data, attempt, isLast, cfg, body);
    if (result.outcome !== 'pending' && data.laneKey) {
      try {
        await this.releaseNext(data.laneKey, data.deliveryId);
      } catch (err) {
        // Failing the job (on its last attempt: for good) would leave its chat waiting behind it. Recorded
        // first, it comes back as a run that did not finish: it then only advances the lane.
        await this.attempts.flush();
        await this.webhookAttempts.settle(data, cfg, result);
        return this.handBack(job, token, `${result.outcome}, its chat's lane not advanced yet`, err as Error);
      }
    }

    // Group commit: concurrent jobs share one write, and no attempt is lost if the process dies.
    await this.attempts.flush();
    await this.webhookAttempts.settle(data, cfg, result);

    if (result.outcome === 'delivered') return;
    if (result.outcome === 'gone') throw new UnrecoverableError(`${result.what}: 410 Gone, webhook disabled`);
    if (result.outcome === 'refused') throw new UnrecoverableError(`${result.what}: refused by SSRF guard (${result.reason})`);
    return this.retryLater(job, `attempt ${attempt}: ${result.reason}`, result.retryAfterMs);
  }

  /**
   * After a run that did not finish: if the attempt log has this attempt, the job ends as that attempt
   * did without sending it again (a delivered one would go out twice, a failed one would be
   * numbered twice), and its chat lane advances if it had not yet. True when it was delivered;
   * false when this attempt is still to be made (it goes out with the same webhook-id).
   */
  private async endedEarlier(job: Job<DeliveryJob>, attempt: number): Promise<boolean> {
    const data = job.data;
    const row = (await this.log.progressOf([data.deliveryId])).get(data.deliveryId);
    if (row?.status === 'pending' && row.attempts < attempt) return false;
    const what = `${data.event} ${data.deliveryId} attempt ${attempt}`;
    if (row?.status === 'pending') return this.retryLater(job, `${what}: failed, recorded by an earlier run`);
    if (data.laneKey) await this.releaseNext(data.laneKey, data.deliveryId);
    if (row?.status === 'delivered') return true;
    throw new UnrecoverableError(`${what}: ${row ? `${row.status}, recorded by an earlier run` : 'no longer in the delivery log'}`);
  }

  /**
   * Our own Postgres or Redis failed: the job goes back to the queue for a few seconds without
   * counting an attempt (failing it would use up the webhook's schedule for nothing, and on a
   * last attempt end it with the delivery still pending, which no sweep re-queues while the
   * failed job is kept, or with its chat's lane stuck behind it). Its next run is the same attempt.
   */
  private async handBack(job: Job<DeliveryJob>, token: string | undefined, what: string, err: Error): Promise<never> {
    if (!token) throw err; // not run by a worker (no lock to hand back): fail as any error
    this.logger.warn(`${job.data.event} ${job.data.deliveryId}: ${what}, tried again shortly: ${err.message}`);
    await job.moveToDelayed(Date.now() + HAND_BACK_DELAY_MS + Math.random() * HAND_BACK_DELAY_MS, token);
    throw new DelayedError();
  }

  private async retryLater(job: Job<DeliveryJob>, reason: string, retryAfterMs?: number): Promise<never> {
    const data = job.data;
    // A pending retry keeps only a reference to its body (in Postgres already): ~1.5 KB less Redis each.
    if (!data.bodyInLog && !keepsBodyInJob(data.event)) await job.updateData({ ...data, body: '', bodyInLog: true }).catch(() => undefined);
    // The job (its id, event) is the context; the reason is what a retry's failedReason needs.
    throw new RetryLaterError(reason, retryAfterMs);
  }

  private async releaseNext(laneKey: string, finishedId: string) {
    const next = await this.lanes.advance(laneKey, finishedId);
    if (next) await this.producer.release(next);
  }

  private async purge(dayMs: number) {
    // Any node may run it: a DELETE by age is idempotent.
    const cutoff = new Date(Date.now() - this.config.delivery.logRetentionDays * dayMs);
    await this.attempts.purge(cutoff).catch(() => undefined);
  }

  async onModuleDestroy() {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    await this.worker?.close();
    await this.attempts.flush();
    await this.webhookAttempts.close();
  }
}
