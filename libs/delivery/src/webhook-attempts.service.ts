import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { DeliveryLogRepository, DeliveryStatus } from '@gw/persistence';
import { Semaphore } from 'async-mutex';
import { UnrecoverableError } from 'bullmq';
import { AttemptLogWriter } from './attempt-log.writer';
import { DeliveryJob } from './delivery-job';
import { DeliveryMetrics } from './delivery.metrics';
import { SigningConfig } from './signing-config.cache';
import { createGuardedAgent, isSsrfBlockedError } from './ssrf-guard';
import { WebhookHealth } from './webhook-health.service';
import { SendResult, WebhookHttpSender } from './webhook-http.sender';
import { applyJwtKeyHeader, hubSignature256, standardWebhookHeaders } from './webhook-signature';

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface AttemptResult {
  /** The delivery's status after this attempt ('pending': it will be retried). */
  outcome: DeliveryStatus;
  /** "EVENT id attempt n", for messages. */
  what: string;
  /** Why it did not succeed: the error, or the HTTP status. */
  reason?: string;
  /** What a 429/503 answer asked for. */
  retryAfterMs?: number;
}

/**
 * One attempt of one delivery: the signed POST, its attempt-log record and metrics, and what it
 * means for the webhook's health. 2xx delivered; 410 disables the webhook; an SSRF refusal is
 * final; anything else (other codes, timeouts, connection errors) is retried until the last try.
 */
@Injectable()
export class WebhookAttempts {
  private readonly logger = new Logger('Delivery');
  readonly sender: WebhookHttpSender;
  /**
   * POSTs in flight in this process, whatever jobs they belong to: DELIVERY_CONCURRENCY stays the
   * number of parallel deliveries when a job carries several. A POST's timeout starts once it has a slot.
   */
  private readonly inFlight: Semaphore;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly attempts: AttemptLogWriter,
    private readonly health: WebhookHealth,
    private readonly metrics: DeliveryMetrics,
    private readonly log: DeliveryLogRepository,
  ) {
    const d = config.delivery;
    this.sender = new WebhookHttpSender(d.requestTimeoutMs, createGuardedAgent({ mode: d.ssrfMode, allowHosts: d.ssrfAllow }));
    this.inFlight = new Semaphore(Math.max(1, d.concurrency));
  }

  /** The bytes to send: a pending retry's body is read back from the delivery log. */
  async bodyOf(data: DeliveryJob): Promise<string> {
    if (!data.bodyInLog) return data.body;
    const body = await this.log.bodyOf(data.deliveryId);
    // Final: retrying cannot bring a purged row back.
    if (body === null) throw new UnrecoverableError(`${data.event} ${data.deliveryId}: no longer in the delivery log, nothing to send`);
    return body;
  }

  /** POSTs and buffers the attempt's record; the caller flushes the attempt log (group commit). `body`: read already (bodyOf). */
  async make(data: DeliveryJob, attempt: number, isLast: boolean, cfg: SigningConfig, body?: string): Promise<AttemptResult> {
    const bytes = body ?? (await this.bodyOf(data));
    return this.inFlight.runExclusive(() => this.send(data, bytes, attempt, isLast, cfg));
  }

  private async send(data: DeliveryJob, body: string, attempt: number, isLast: boolean, cfg: SigningConfig): Promise<AttemptResult> {
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
    const what = `${data.event} ${data.deliveryId} attempt ${attempt}`;
    if (outcome === 'delivered') return { outcome, what };
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(result?.retryAfter) : undefined;
    return { outcome, what, reason: error ? error.message : `HTTP ${status}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }

  /**
   * After the attempt is recorded: the webhook's health (410 disables it), and a warning for a
   * failure. Bookkeeping only: if it cannot be written (Postgres failing), that is logged and the
   * attempt still ends as it did; failing the job would send a delivered attempt again.
   */
  async settle(data: DeliveryJob, cfg: SigningConfig, result: AttemptResult): Promise<void> {
    try {
      if (result.outcome === 'delivered') return await this.health.succeeded(data, cfg);
      if (result.outcome === 'gone') return await this.health.gone(data);
      if (result.outcome === 'refused') return;
      this.logger.warn(`${result.what} failed: ${result.reason}`);
      await this.health.failed(data, cfg, result.reason!);
    } catch (err) {
      this.logger.warn(`${result.what}: the webhook's health could not be updated: ${(err as Error).message}`);
    }
  }

  /** The gateway's own headers; the webhook's custom ones go to the sender separately (it drops unsendable ones). */
  private headers(data: DeliveryJob, body: string, cfg: SigningConfig, now: Date): Record<string, string> {
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

  close(): Promise<void> {
    return this.sender.close();
  }
}
