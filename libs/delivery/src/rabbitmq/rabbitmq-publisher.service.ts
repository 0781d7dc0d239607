import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { withTimeout } from '@gw/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { parseEventName, wireName } from '@gw/events';
import { PendingPublish, PublishAttempt, RabbitmqOutboxRepository } from '@gw/persistence';
import { DeliveryProducer } from '../delivery-producer.service';
import { DeliveryMetrics } from '../delivery.metrics';
import type { ConfirmChannel } from 'amqplib';
import { RabbitmqChannel, PublishItem, declarationKey } from './rabbitmq-channel.service';
import { RabbitmqDestination, parseDestinationUrl } from './rabbitmq-destination';
import { RabbitmqMetrics } from './rabbitmq-metrics';
import { RabbitmqHandoff } from './rabbitmq-handoff.queue';
import { PublishAttemptsWriter } from './publish-attempts.writer';

/** A row to publish: what its attempt needs, and its message until it is written to the channel. */
interface Prepared {
  id: string;
  event: string;
  attempts: number;
  item?: PublishItem;
  error?: Error;
}

const BATCH = 1_000;
/** Messages published and not yet confirmed, at most (as the raw amqplib loop the bench compares with). */
const WINDOW = 2_000;
/** Bounds one lock hold well inside PASS_TIMEOUT_MS; the loop goes on at once after a busy pass. */
const PASS_BUDGET_MS = 10_000;
/**
 * How often the outbox is read even while rows come from this node's own writes: rows of other
 * nodes, and redeliveries, are found this way. Well under LEASE_TTL_MS, so an instance taken over
 * from a dead node has that node's rows published before the new owner's (per-instance order).
 */
const POLL_MS = 1_000;
const PASS_TIMEOUT_MS = 60_000;
/** Parsed destinations kept, at most (one per instance and event in use); beyond it the cache starts over. */
const MAX_DESTINATIONS = 10_000;

/**
 * The RabbitMQ side of the outbox: publishes pending RabbitMQ deliveries persistent on a confirm
 * channel, in order, and marks them delivered only after the broker's ack. Anything not acked
 * stays pending and is published again (same message_id). One node publishes at a time
 * (advisory lock), so every queue gets its events in order.
 *
 * Each lock hold starts by reading the outbox until it has caught up (rows of other nodes, of
 * earlier failures, of a previous run); from then on the rows this node writes are published
 * as handed over by the producer after their commit, without reading them back, and the outbox
 * is read again every POLL_MS. Any failure ends the hold, so the next one starts again from the
 * oldest pending row.
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
  private readonly handed = new RabbitmqHandoff();
  /** Parsed destinations by event name, then url (see destinationOf). */
  private readonly destinations = new Map<string, Map<string, RabbitmqDestination | null>>();
  private destinationCount = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: RabbitmqOutboxRepository,
    private readonly channel: RabbitmqChannel,
    producer: DeliveryProducer,
    deliveryMetrics: DeliveryMetrics,
  ) {
    this.metrics = new RabbitmqMetrics(deliveryMetrics.registry, () => this.channel.connected, () => this.pendingStats());
    producer.onRabbitmqRows((rows) => this.handOver(rows));
  }

  get enabled(): boolean {
    return this.config.rabbitmq.enabled && this.config.delivery.workerEnabled;
  }

  onApplicationBootstrap() {
    if (this.enabled) this.loop = this.run();
  }

  /** Rows this node just committed (or none: a redelivery, look in the outbox); publish now. */
  handOver(rows: PendingPublish[]) {
    if (!this.enabled) return;
    this.handed.add(rows);
    this.wake();
  }

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

  /** One lock hold; returns how many rows it tried. */
  async pass(): Promise<number> {
    const ch = await this.channel.channel();
    // Broker away, or another node holds the lock: the handed rows are in the outbox, read later.
    if (!ch) return this.handed.clear(), 0;
    const tried = await this.outbox.withPublisherLock(() => this.publishWhileHeld(ch), PASS_TIMEOUT_MS + 5_000);
    if (tried === undefined) this.handed.clear();
    return tried ?? 0;
  }

  /**
   * Batches in order: from the outbox until a read comes back short (caught up), then from the
   * handed rows, with an outbox read every POLL_MS. Up to WINDOW messages are unconfirmed at a
   * time, all on one channel (AMQP keeps a channel's order, so batches in flight are as ordered
   * as one big batch); attempts are written in batch order while later batches are out, and
   * each outbox read leaves out the rows published but not yet written. A failure stops the
   * publishing and ends the hold once what is in flight is settled and written; so does the
   * budget, or POLL_MS with nothing to publish.
   */
  private async publishWhileHeld(ch: ConfirmChannel): Promise<number> {
    const until = Date.now() + PASS_BUDGET_MS;
    const inflight: { rows: number; result: Promise<PublishAttempt[]>; settled?: PublishAttempt[] }[] = [];
    let unconfirmed = 0;
    const unwritten = new Set<string>();
    const writes = new PublishAttemptsWriter((batch) => this.outbox.recordPublishes(batch), (ids) => ids.forEach((id) => unwritten.delete(id)), this.logger);
    let total = 0;
    let failed = false;
    let caughtUp = false;
    let lastRead = 0;
    /** Hands the oldest batch's attempts to the writer once confirmed; false if one failed. */
    const settleOldest = async () => {
      const batch = inflight.shift()!;
      const attempts = await batch.result;
      unconfirmed -= batch.rows;
      writes.add(attempts);
      return !attempts.some((a) => a.error);
    };
    try {
      while (!this.stopped && !failed && Date.now() < until) {
        while (inflight[0]?.settled && !failed) failed = !(await settleOldest());
        if (failed) break;
        if (unconfirmed >= WINDOW) {
          failed = !(await settleOldest());
          continue;
        }
        let rows: PendingPublish[];
        if (!caughtUp || this.handed.readWanted || Date.now() - lastRead >= POLL_MS) {
          if (caughtUp && !this.handed.readWanted) {
            // The periodic read: the rows held here are not read again (the publisher may be behind by thousands).
            const poll = this.handed.beginPoll();
            rows = await this.outbox.findPending(BATCH, [...unwritten, ...poll.exclude]);
            poll.done(rows);
          } else {
            const read = this.handed.beginRead();
            rows = await this.outbox.findPending(BATCH, [...unwritten]);
            read.done(rows);
          }
          lastRead = Date.now();
          caughtUp = rows.length < BATCH;
          if (!rows.length && !this.handed.size && !inflight.length && !(await this.handed.arrival(POLL_MS))) break; // idle
        } else {
          rows = this.handed.take(Math.min(BATCH, WINDOW - unconfirmed));
          if (!rows.length) {
            const wait = this.handed.arrival(Math.max(0, lastRead + POLL_MS - Date.now()));
            if (inflight.length) await Promise.race([wait, inflight[0].result]);
            else await wait;
            continue;
          }
        }
        if (!rows.length) continue;
        total += rows.length;
        for (const r of rows) unwritten.add(r.id);
        // Declarations are awaited here, before the publish: batches go out in the order they were taken.
        const items = await this.prepareAll(rows);
        const batch: (typeof inflight)[number] = { rows: rows.length, result: this.publishBatch(ch, items) };
        void batch.result.then((a) => (batch.settled = a));
        inflight.push(batch);
        unconfirmed += rows.length;
      }
    } finally {
      // Settled and written before the lock is released, so the next holder does not publish these again.
      while (inflight.length) await settleOldest();
      await writes.drain();
    }
    return total;
  }

  /** Publishes one prepared batch (at once, in order) and resolves with its attempts once the broker confirmed or refused each. */
  private async publishBatch(ch: ConfirmChannel, items: Prepared[]): Promise<PublishAttempt[]> {
    const startedAt = new Date();
    const sendable = items.filter((i) => i.item);
    const confirming = this.channel.publishAll(ch, sendable.map((i) => i.item!));
    // Written to the channel: the bodies are not kept through the confirm wait (they would outlive
    // a young-generation GC or two and be promoted, ~1 KB each, thousands in flight).
    for (const i of sendable) i.item = undefined;
    const results = await confirming;
    sendable.forEach((i, n) => (i.error = results[n] ?? undefined));
    const latencyMs = Date.now() - startedAt.getTime();
    const failed = items.filter((i) => i.error);
    if (failed.length) this.logger.warn(`${failed.length} of ${items.length} publishes not confirmed (${failed[0].error!.message}); kept pending`);
    // Counted per event and outcome, then added once per pair: a labelled inc() per row costs more than the count.
    const counts = new Map<string, { event: string; outcome: 'retry' | 'delivered'; n: number }>();
    const attempts = items.map(({ id, event, attempts: before, error }) => {
      const outcome = error ? 'retry' : 'delivered';
      const key = `${outcome} ${event}`;
      const c = counts.get(key);
      if (c) c.n++;
      else counts.set(key, { event, outcome, n: 1 });
      return { deliveryId: id, attempt: before + 1, startedAt, latencyMs, error: error ? error.message : null };
    });
    for (const { event, outcome, n } of counts.values()) this.metrics.published.inc({ outcome, event }, n);
    return attempts;
  }

  /**
   * Each row's destination, its topology declared (the new destinations of a batch at once); a
   * declaration that fails only holds the rows of that queue.
   */
  private async prepareAll(rows: PendingPublish[]): Promise<Prepared[]> {
    const prepared = rows.map((row): Prepared => {
      const destination = this.destinationOf(row);
      const { id, event, attempts } = row;
      if (!destination) return { id, event, attempts, error: new Error(`not a RabbitMQ destination: ${row.url}`) };
      return { id, event, attempts, item: { destination, body: row.body, messageId: id } };
    });
    const declaring = new Map<string, Promise<Error | undefined>>();
    for (const { item } of prepared) {
      if (!item || this.channel.isDeclared(item.destination) || declaring.has(declarationKey(item.destination))) continue;
      const d = item.destination;
      declaring.set(declarationKey(d), this.channel.declare(d).then(() => undefined, (err: Error) => new Error(`cannot declare ${d.queue}: ${err.message}`)));
    }
    if (!declaring.size) return prepared;
    const errors = new Map<string, Error | undefined>();
    await Promise.all([...declaring].map(async ([key, p]) => errors.set(key, await p)));
    for (const p of prepared) {
      const error = p.item && errors.get(declarationKey(p.item.destination));
      if (error) Object.assign(p, { item: undefined, error });
    }
    return prepared;
  }

  /**
   * A row's destination, parsed once per (event, url): the same few destinations come back for
   * every row, and parsing each (a regular expression, two URI decodings, an object) was a
   * visible share of the publisher's per-row work.
   */
  private destinationOf(row: PendingPublish): RabbitmqDestination | null {
    let byUrl = this.destinations.get(row.event);
    if (!byUrl) this.destinations.set(row.event, (byUrl = new Map()));
    let destination = byUrl.get(row.url);
    if (destination === undefined) {
      if (++this.destinationCount > MAX_DESTINATIONS) {
        this.destinations.clear();
        this.destinationCount = 1;
        this.destinations.set(row.event, (byUrl = new Map()));
      }
      const event = parseEventName(row.event);
      // Routing key = the wire event name, as Evolution publishes.
      destination = event ? parseDestinationUrl(row.url, wireName(event)) : null;
      byUrl.set(row.url, destination);
    }
    return destination;
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
    this.handed.interrupt();
    await this.loop;
  }
}
