import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { DeliveryLogRepository, DeliveryStatus } from '@gw/persistence';
import { QUEUES, REDIS_CONNECTION } from '@gw/redis';
import { Job, MinimalJob, UnrecoverableError, Worker } from 'bullmq';
import type IORedis from 'ioredis';
import { AttemptLogWriter } from './attempt-log.writer';
import { DeliveryJob } from './delivery-job';
import { DeliveryProducer } from './delivery-producer.service';
import { KEEP_COMPLETED, KEEP_FAILED } from './delivery.constants';
import { DeliveryMetrics } from './delivery.metrics';
import { OrderedLanes } from './ordered-lanes.service';
import { retryDelay } from './retry-schedule';
import { SigningConfigCache } from './signing-config.cache';
import { createGuardedAgent, isSsrfBlockedError } from './ssrf-guard';
import { WebhookHealth } from './webhook-health.service';
import { SendResult, WebhookHttpSender } from './webhook-http.sender';
import { applyJwtKeyHeader, hubSignature256, standardWebhookHeaders } from './webhook-signature';
import { keepsBodyInJob } from './stored-body.util';

/** A retryable failure that knows how long the receiver asked us to wait (429/503 Retry-After). */
class RetryLaterError extends Error {
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
  }
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Consumes the delivery queue: one signed POST per attempt. 2xx delivered; 410 disables the
 * webhook; 429/503 honour Retry-After; anything else (other codes, timeouts, connection
 * errors) retries on the schedule. Every attempt is logged.
 */
@Injectable()
export class DeliveryProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Delivery');
  private worker?: Worker<DeliveryJob>;
  private readonly sender: WebhookHttpSender;
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_CONNECTION) private readonly connection: IORedis,
    private readonly signing: SigningConfigCache,
    private readonly attempts: AttemptLogWriter,
    private readonly health: WebhookHealth,
    private readonly producer: DeliveryProducer,
    private readonly lanes: OrderedLanes,
    private readonly metrics: DeliveryMetrics,
    private readonly log: DeliveryLogRepository,
  ) {
    const d = config.delivery;
    this.sender = new WebhookHttpSender(d.requestTimeoutMs, createGuardedAgent({ mode: d.ssrfMode, allowHosts: d.ssrfAllow }));
  }

  onApplicationBootstrap() {
    if (!this.config.delivery.workerEnabled) return;
    const fallback = this.config.delivery.retryScheduleMs;
    this.worker = new Worker<DeliveryJob>(QUEUES.webhookDelivery, (job) => this.process(job), {
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
        backoffStrategy: (attemptsMade: number, _type?: string, err?: Error, job?: MinimalJob) =>
          err instanceof RetryLaterError && err.retryAfterMs !== undefined
            ? err.retryAfterMs
            : retryDelay((job?.data as DeliveryJob | undefined)?.scheduleMs ?? fallback, attemptsMade),
      },
    });
    this.worker.on('error', (err) => this.logger.error(`delivery worker error: ${err.message}`));
    const day = 24 * 3600 * 1000;
    this.purgeTimer = setInterval(() => void this.purge(day), 3600 * 1000);
    this.purgeTimer.unref();
  }

  async process(job: Job<DeliveryJob>): Promise<void> {
    const data = job.data;
    const attempt = job.attemptsMade + 1 + (data.attemptOffset ?? 0);
    const isLast = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const cfg = await this.signing.get(data.webhookId);
    const body = data.bodyInLog ? await this.log.bodyOf(data.deliveryId) : data.body;
    const startedAt = new Date();
    let result: SendResult | undefined;
    let error: Error | undefined;
    try {
      const custom = applyJwtKeyHeader({ ...data.headers }, startedAt);
      result = await this.sender.post(data.url, body, this.headers(data, body, cfg, startedAt), custom);
    } catch (err) {
      error = err as Error;
    }
    const latencyMs = result?.latencyMs ?? Date.now() - startedAt.getTime();
    const status = result?.status;
    let outcome: DeliveryStatus;
    if (status !== undefined && status >= 200 && status < 300) outcome = 'delivered';
    else if (status === 410) outcome = 'gone';
    else if (isSsrfBlockedError(error)) outcome = 'refused';
    else outcome = isLast ? 'failed' : 'pending';

    this.attempts.push({
      deliveryId: data.deliveryId,
      attempt,
      startedAt,
      statusCode: status ?? null,
      latencyMs: Math.round(latencyMs),
      error: error ? error.message : null,
      response: result?.excerpt ?? null,
      outcome,
    });
    this.metrics.recordAttempt(data.event, outcome === 'pending' ? 'retry' : outcome, latencyMs / 1000, data.url);
    if (outcome !== 'pending' && data.laneKey) await this.releaseNext(data.laneKey);

    // Group commit: concurrent jobs share one write, and no attempt is lost if the process dies.
    await this.attempts.flush();

    const what = `${data.event} ${data.deliveryId} attempt ${attempt}`;
    if (outcome === 'delivered') return this.health.succeeded(data, cfg);
    if (outcome === 'gone') {
      await this.health.gone(data);
      throw new UnrecoverableError(`${what}: 410 Gone, webhook disabled`);
    }
    if (outcome === 'refused') throw new UnrecoverableError(`${what}: refused by SSRF guard (${error!.message})`);
    const reason = error ? error.message : `HTTP ${status}`;
    this.logger.warn(`${what} failed: ${reason}`);
    await this.health.failed(data, cfg, reason);
    const retryAfter = status === 429 || status === 503 ? parseRetryAfter(result?.retryAfter) : undefined;
    // A pending retry keeps only a reference to its body (in Postgres already): ~1.5 KB less Redis each.
    if (!data.bodyInLog && !keepsBodyInJob(data.event)) await job.updateData({ ...data, body: '', bodyInLog: true }).catch(() => undefined);
    // The job (its id, event) is the context; the reason is what a retry's failedReason needs.
    throw new RetryLaterError(`attempt ${attempt}: ${reason}`, retryAfter);
  }

  /** The gateway's own headers; the webhook's custom ones go to the sender separately (it drops unsendable ones). */
  private headers(data: DeliveryJob, body: string, cfg: { secrets: string[]; hubSignature: boolean }, now: Date): Record<string, string> {
    const headers: Record<string, string> = { 'webhook-id': data.deliveryId };
    if (data.sequence !== null) headers['webhook-sequence'] = String(data.sequence);
    if (cfg.secrets.length) {
      Object.assign(
        headers,
        standardWebhookHeaders({ id: data.deliveryId, timestamp: Math.floor(now.getTime() / 1000), body, secrets: cfg.secrets }),
      );
      if (cfg.hubSignature) headers['x-hub-signature-256'] = hubSignature256(body, cfg.secrets[0]);
    } else {
      headers['webhook-timestamp'] = String(Math.floor(now.getTime() / 1000));
    }
    return headers;
  }

  private async releaseNext(laneKey: string) {
    const next = await this.lanes.advance(laneKey);
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
    await this.sender.close();
  }
}
