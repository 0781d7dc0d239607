import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What one delivery attempt came to. `refused` = SSRF guard; `gone` = HTTP 410 (endpoint retired). */
export type DeliveryOutcome = 'delivered' | 'retry' | 'failed' | 'refused' | 'gone';

export interface QueueSnapshot {
  waiting: number;
  delayed: number;
  active: number;
  failed: number;
  /** Age of the oldest job not yet delivered (waiting or delayed), 0 when none. */
  oldestPendingAgeSeconds: number;
}

export type QueueProbe = () => Promise<QueueSnapshot>;

/** 1 ms .. 30 s: loopback receivers answer in ~1 ms, the request timeout tops out around 15–30 s. */
const ATTEMPT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];
const QUEUE_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;

/**
 * scheme://host:port only. Paths and query strings of webhook URLs often carry tokens, and
 * metrics end up in places (dashboards, vendors) that must not see them.
 */
export function webhookOrigin(url: string): string {
  try {
    const u = new URL(url);
    const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '');
    return `${u.protocol}//${u.hostname}${port ? `:${port}` : ''}`;
  } catch {
    return 'invalid';
  }
}

/**
 * Delivery metrics on a private registry (several can coexist, e.g. in tests). Queue gauges are
 * filled lazily on scrape, so Redis is only asked when someone reads /metrics.
 */
@Injectable()
export class DeliveryMetrics implements OnModuleDestroy {
  readonly registry = new Registry();
  private readonly logger = new Logger('DeliveryMetrics');
  private probe?: QueueProbe;
  /** Both queue gauges collect in the same scrape: share one probe call between them. */
  private inflight?: Promise<QueueSnapshot | null>;

  private readonly deliveries = new Counter({
    name: 'webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome and event',
    labelNames: ['outcome', 'event'] as const,
    registers: [this.registry],
  });

  private readonly attemptDuration = new Histogram({
    name: 'webhook_attempt_duration_seconds',
    help: 'Duration of one webhook delivery attempt (request sent to response drained)',
    labelNames: ['outcome'] as const,
    buckets: ATTEMPT_BUCKETS,
    registers: [this.registry],
  });

  private readonly failures = new Counter({
    name: 'webhook_failures_total',
    help: 'Failed webhook delivery attempts per receiver origin (scheme://host:port)',
    labelNames: ['webhook'] as const,
    registers: [this.registry],
  });

  private readonly probeErrors = new Counter({
    name: 'webhook_queue_probe_errors_total',
    help: 'Scrapes where the delivery queue could not be read',
    registers: [this.registry],
    // Wait for this scrape's probe, so a failure shows in the same exposition.
    collect: async () => {
      if (this.probe) await this.snapshot();
    },
  });

  constructor() {
    const metrics = this;
    new Gauge({
      name: 'webhook_queue_depth',
      help: 'Delivery jobs in the queue by state',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        if (!metrics.probe) return;
        const snap = await metrics.snapshot();
        // Unknown beats stale: without a fresh reading, expose no series at all.
        this.reset();
        if (snap) for (const state of QUEUE_STATES) this.set({ state }, snap[state]);
      },
    });
    new Gauge({
      name: 'webhook_oldest_pending_age_seconds',
      help: 'Age of the oldest delivery not yet made (waiting or delayed)',
      registers: [this.registry],
      async collect() {
        if (!metrics.probe) return;
        const snap = await metrics.snapshot();
        this.set(snap ? snap.oldestPendingAgeSeconds : Number.NaN);
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  setQueueProbe(fn: QueueProbe): void {
    this.probe = fn;
  }

  recordAttempt(event: string, outcome: DeliveryOutcome, seconds: number, url: string): void {
    this.deliveries.inc({ outcome, event });
    this.attemptDuration.observe({ outcome }, seconds);
    if (outcome !== 'delivered') this.failures.inc({ webhook: webhookOrigin(url) });
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  onModuleDestroy(): void {
    this.registry.clear();
  }

  /** Null when the probe failed (already logged and counted). */
  private snapshot(): Promise<QueueSnapshot | null> {
    const probe = this.probe;
    if (!probe) return Promise.resolve(null);
    this.inflight ??= probe()
      .catch((err: unknown) => {
        this.probeErrors.inc();
        this.logger.warn(`queue probe failed: ${(err as Error)?.message ?? String(err)}`);
        return null;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }
}
