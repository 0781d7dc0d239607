import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { withTimeout } from '@gw/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { parseEventName, wireName } from '@gw/events';
import { DeliveryStatus, PendingPublish, RabbitmqOutboxRepository } from '@gw/persistence';
import { AttemptLogWriter } from '../attempt-log.writer';
import { DeliveryProducer } from '../delivery-producer.service';
import { DeliveryMetrics } from '../delivery.metrics';
import type { ConfirmChannel } from 'amqplib';
import { RabbitmqChannel, PublishItem } from './rabbitmq-channel.service';
import { parseDestinationUrl } from './rabbitmq-destination';
import { RabbitmqMetrics } from './rabbitmq-metrics';

const BATCH = 1_000;
/** Bound one lock hold well inside PASS_TIMEOUT_MS; the loop goes on at once after a full pass. */
const BATCHES_PER_PASS = 10;
const PASS_BUDGET_MS = 10_000;
/** Catches rows written by other nodes, and the broker coming back; this node's own rows wake it at once. */
const POLL_MS = 1_000;
const PASS_TIMEOUT_MS = 60_000;

/**
 * The RabbitMQ side of the outbox: reads pending RabbitMQ deliveries from Postgres in order,
 * publishes them persistent on a confirm channel and marks them delivered only after the
 * broker's ack. Anything not acked stays pending and is published again (same message_id).
 * One node publishes at a time (advisory lock), so every queue gets its events in order.
 */
@Injectable()
export class RabbitmqPublisher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('RabbitMQ');
  private stopped = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private woken = false;
  private stats?: Promise<{ count: number; oldestAgeSeconds: number } | null>;
  private readonly metrics: RabbitmqMetrics;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: RabbitmqOutboxRepository,
    private readonly channel: RabbitmqChannel,
    private readonly attempts: AttemptLogWriter,
    producer: DeliveryProducer,
    deliveryMetrics: DeliveryMetrics,
  ) {
    this.metrics = new RabbitmqMetrics(deliveryMetrics.registry, () => this.channel.connected, () => this.pendingStats());
    producer.onRabbitmqRows(() => this.wake());
  }

  get enabled(): boolean {
    return this.config.rabbitmq.enabled && this.config.delivery.workerEnabled;
  }

  onApplicationBootstrap() {
    if (this.enabled) this.loop = this.run();
  }

  /** New rows (or a redelivery) on this node: publish now rather than at the next poll. */
  wake() {
    this.woken = true;
    this.wakeUp?.();
  }

  private async run() {
    while (!this.stopped) {
      let published = 0;
      try {
        published = await withTimeout(this.pass(), PASS_TIMEOUT_MS, 'publish pass');
      } catch (err) {
        this.logger.warn(`publish pass failed: ${(err as Error).message}`);
      }
      if (published >= BATCH || this.stopped) continue;
      if (this.woken) {
        this.woken = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
      this.woken = false;
    }
  }

  /**
   * Up to BATCHES_PER_PASS batches under one lock, pipelined: while a batch is published and
   * confirmed the next one is read, and its attempts are written while the next one is
   * published (each read leaves out the rows in flight or still being written). A batch with a
   * failure ends the pass, so the next pass starts again from the oldest pending row. Returns
   * how many rows it tried.
   */
  async pass(): Promise<number> {
    const ch = await this.channel.channel();
    if (!ch) return 0; // broker away: rows wait in the outbox
    const tried = await this.outbox.withPublisherLock(async () => {
      const until = Date.now() + PASS_BUDGET_MS;
      let total = 0;
      let writing: Promise<void> = Promise.resolve();
      let writingIds: string[] = [];
      let next: Promise<PendingPublish[]> | undefined = this.outbox.findPending(BATCH);
      try {
        for (let n = 0; next && n < BATCHES_PER_PASS; n++) {
          const rows = await next;
          next = undefined;
          if (!rows.length) break;
          total += rows.length;
          const ids = rows.map((r) => r.id);
          if (rows.length === BATCH && n + 1 < BATCHES_PER_PASS && Date.now() < until) {
            next = this.outbox.findPending(BATCH, [...writingIds, ...ids]);
            next.catch(() => undefined); // awaited below, or dropped when this batch fails
          }
          const failed = await this.publishBatch(ch, rows);
          await writing; // one attempt write at a time, in batch order
          writing = this.attempts.flush();
          writingIds = ids;
          if (failed) break;
        }
      } finally {
        // Written before the lock is released, so the next holder does not publish these again.
        await writing;
      }
      return total;
    }, PASS_TIMEOUT_MS + 5_000);
    return tried ?? 0;
  }

  /** Publishes one batch and records its attempts (not yet written); true if any row was not confirmed. */
  private async publishBatch(ch: ConfirmChannel, rows: PendingPublish[]): Promise<boolean> {
    const startedAt = new Date();
    const items: { row: PendingPublish; item?: PublishItem; error?: Error }[] = [];
    for (const row of rows) items.push(await this.prepare(row));
    const sendable = items.filter((i) => i.item);
    const results = await this.channel.publishAll(ch, sendable.map((i) => i.item!));
    sendable.forEach((i, n) => (i.error = results[n] ?? undefined));
    const latencyMs = Date.now() - startedAt.getTime();
    for (const { row, error } of items) this.record(row, startedAt, latencyMs, error);
    const failed = items.filter((i) => i.error);
    if (failed.length) this.logger.warn(`${failed.length} of ${rows.length} publishes not confirmed (${failed[0].error!.message}); kept pending`);
    return failed.length > 0;
  }

  /** Declares the row's topology; a declaration that fails only holds this row (and its queue). */
  private async prepare(row: PendingPublish): Promise<{ row: PendingPublish; item?: PublishItem; error?: Error }> {
    const event = parseEventName(row.event);
    // Routing key = the wire event name, as Evolution publishes.
    const destination = event ? parseDestinationUrl(row.url, wireName(event)) : null;
    if (!destination) return { row, error: new Error(`not a RabbitMQ destination: ${row.url}`) };
    try {
      await this.channel.declare(destination);
    } catch (err) {
      return { row, error: new Error(`cannot declare ${destination.queue}: ${(err as Error).message}`) };
    }
    return { row, item: { destination, body: row.body, messageId: row.id } };
  }

  private record(row: PendingPublish, startedAt: Date, latencyMs: number, error?: Error) {
    const outcome: DeliveryStatus = error ? 'pending' : 'delivered';
    this.attempts.push({
      deliveryId: row.id,
      attempt: row.attempts + 1,
      startedAt,
      statusCode: null,
      latencyMs,
      error: error ? error.message : null,
      response: null,
      outcome,
    });
    this.metrics.published.inc({ outcome: error ? 'retry' : 'delivered', event: row.event });
  }

  /** Shared by the two gauges of one scrape. */
  private pendingStats() {
    this.stats ??= this.outbox
      .pendingStats()
      .catch(() => null)
      .finally(() => setTimeout(() => (this.stats = undefined), 100));
    return this.stats;
  }

  async onModuleDestroy() {
    this.stopped = true;
    this.wakeUp?.();
    await this.loop;
  }
}

