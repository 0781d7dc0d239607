import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { DeliveryLogRepository } from '@gw/persistence';
import { Job } from 'bullmq';
import { AttemptLogWriter } from './attempt-log.writer';
import { BatchMembership } from './batch-membership.service';
import { DeliveryBatch, DeliveryJob } from './delivery-job';
import { DeliveryProducer } from './delivery-producer.service';
import { retryDelay } from './retry-schedule';
import { SigningConfig, SigningConfigCache } from './signing-config.cache';
import { keepsBodyInJob } from './stored-body.util';
import { WebhookAttempts } from './webhook-attempts.service';

interface Retry {
  data: DeliveryJob;
  delayMs: number;
}

/**
 * Runs a batch job: the first attempt of each delivery it carries, each its own signed POST,
 * all at once within the process's POST slots (a batch is bounded, see BATCH_LIMITS, so a slow
 * receiver holds its job about one request timeout). A batch may carry deliveries to different
 * webhooks, so everything that belongs to a webhook is taken per delivery: its signing secrets,
 * its retry schedule, its health. A delivery that fails gets a job of its own that continues its
 * schedule: from its first retry on it is handled as if it had never shared a job.
 *
 * A batch that ran before (its process died mid-way, or it could not run) sends only what the
 * attempt log has no attempt of, so a delivery goes out twice only when its first attempt was
 * not recorded yet, and then with the same webhook-id.
 */
@Injectable()
export class DeliveryBatchProcessor {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly signing: SigningConfigCache,
    private readonly attempts: AttemptLogWriter,
    private readonly webhookAttempts: WebhookAttempts,
    private readonly producer: DeliveryProducer,
    private readonly membership: BatchMembership,
    private readonly log: DeliveryLogRepository,
  ) {}

  async process(job: Job<DeliveryBatch>): Promise<void> {
    const all = job.data.deliveries;
    // Every webhook's signing config before any POST: if one cannot be read (Postgres away), the
    // job fails with nothing sent, and its retry sends everything once.
    const configs = await this.signingConfigs(all);
    const { todo, retries } = job.attemptsStarted > 1 ? await this.unrecorded(all) : { todo: all, retries: [] };
    await this.producer.retryAlone(retries.map(({ data, delayMs }) => ({ job: this.alone(data), delayMs })));
    // Settled one by one: a webhook that hangs until the request timeout does not hold the other
    // webhooks' attempt records (nor their retries) until it ends.
    const ran = await Promise.allSettled(todo.map((data) => this.first(data, configs.get(data.webhookId)!)));
    const failed = ran.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason; // the job's retry sends only what has no recorded attempt
    await this.membership.forget(all.map((d) => d.deliveryId));
  }

  /** One delivery's first attempt, recorded (group commit with every other job's), then its retry or its webhook's health. */
  private async first(data: DeliveryJob, cfg: SigningConfig): Promise<void> {
    const schedule = this.scheduleOf(data);
    const result = await this.webhookAttempts.make(data, 1 + (data.attemptOffset ?? 0), schedule.length === 0, cfg);
    // Recorded before its retry is queued: a re-run must never send a failed one again itself.
    await this.attempts.flush();
    if (result.outcome === 'pending') {
      await this.producer.retryAlone([{ job: this.alone(data), delayMs: result.retryAfterMs ?? retryDelay(schedule, 1) }]);
    }
    await this.webhookAttempts.settle(data, cfg, result);
  }

  private scheduleOf(data: DeliveryJob): number[] {
    return data.scheduleMs ?? this.config.delivery.retryScheduleMs;
  }

  /** The signing config of each webhook in the batch (the cache reads each at most once per TTL). */
  private async signingConfigs(all: DeliveryJob[]): Promise<Map<string | null, SigningConfig>> {
    const ids = [...new Set(all.map((d) => d.webhookId))];
    const configs = await Promise.all(ids.map((id) => this.signing.get(id)));
    return new Map(ids.map((id, i) => [id, configs[i]]));
  }

  /**
   * A delivery's own job after its first attempt failed here: attempt numbering and the retry
   * schedule go on from that attempt, and (as for any pending retry) the body is read back from
   * the attempt log instead of waiting in Redis.
   */
  private alone(data: DeliveryJob): DeliveryJob {
    return {
      ...data,
      attemptOffset: (data.attemptOffset ?? 0) + 1,
      scheduleOffset: 1,
      ...(keepsBodyInJob(data.event) ? {} : { body: '', bodyInLog: true as const }),
    };
  }

  /** What a re-run still has to do: deliveries with no recorded attempt, and retries of recorded failures (re-adding one is a no-op). */
  private async unrecorded(all: DeliveryJob[]): Promise<{ todo: DeliveryJob[]; retries: Retry[] }> {
    const progress = await this.log.progressOf(all.map((d) => d.deliveryId));
    const todo: DeliveryJob[] = [];
    const retries: Retry[] = [];
    for (const data of all) {
      const row = progress.get(data.deliveryId);
      if (row?.status !== 'pending') continue; // finished (or purged): nothing left to do
      if (row.attempts > (data.attemptOffset ?? 0)) retries.push({ data, delayMs: retryDelay(this.scheduleOf(data), 1) });
      else todo.push(data);
    }
    return { todo, retries };
  }
}
