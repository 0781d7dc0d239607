import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { withTimeout } from '@gw/common';
import { ChannelModel, ConfirmChannel, connect } from 'amqplib';
import { RabbitmqDestination } from './rabbitmq-destination';

const MAX_BACKOFF_MS = 10_000;
const CONFIRM_TIMEOUT_MS = 15_000;
const DECLARE_TIMEOUT_MS = 10_000;

export interface PublishItem {
  destination: RabbitmqDestination;
  body: string;
  messageId: string;
}

/** One declaration (exchange, queue, binding) per key. */
export const declarationKey = (d: RabbitmqDestination) => `${d.exchange}\u0000${d.queue}\u0000${d.routingKey}`;

/** The URI without its password, for logs. */
export function redactUri(uri: string): string {
  try {
    const u = new URL(uri);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'amqp://(unparsable URI)';
  }
}

/**
 * One connection with a confirm channel (for publishing) and a plain channel (for declaring the
 * topology: a failed declaration closes only that channel). Lost connections reconnect with
 * backoff on the next use; nothing is buffered here, the outbox in Postgres is the buffer.
 */
@Injectable()
export class RabbitmqChannel implements OnModuleDestroy {
  private readonly logger = new Logger('RabbitMQ');
  private connection?: ChannelModel;
  private confirm?: ConfirmChannel;
  private connecting?: Promise<ConfirmChannel | undefined>;
  private readonly declared = new Set<string>();
  private failures = 0;
  private retryAt = 0;
  private closed = false;
  /** The broker blocks publishers under a memory or disk alarm: publishing then only fills buffers. */
  private blocked = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get connected(): boolean {
    return !!this.confirm;
  }

  /** The confirm channel, connecting if needed; undefined while the broker is away (backing off). */
  channel(): Promise<ConfirmChannel | undefined> {
    if (this.blocked) return Promise.resolve(undefined);
    if (this.confirm) return Promise.resolve(this.confirm);
    if (this.closed || Date.now() < this.retryAt) return Promise.resolve(undefined);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<ConfirmChannel | undefined> {
    const uri = this.config.rabbitmq.uri!;
    try {
      const conn = await connect(uri, { clientProperties: { connection_name: 'whatsapp-gateway' } });
      conn.on('error', (err: Error) => this.logger.warn(`connection error: ${err.message}`));
      conn.on('close', () => this.lost(conn, 'connection closed'));
      conn.on('blocked', (reason: string) => {
        this.blocked = true;
        this.logger.warn(`broker blocks publishing (${reason}); events wait in the outbox`);
      });
      conn.on('unblocked', () => {
        this.blocked = false;
        this.logger.log('broker accepts publishing again');
      });
      const ch = await conn.createConfirmChannel();
      ch.on('error', (err: Error) => this.logger.warn(`channel error: ${err.message}`));
      ch.on('close', () => this.lost(conn, 'channel closed'));
      this.connection = conn;
      this.confirm = ch;
      if (this.failures) this.logger.log(`connected to ${redactUri(uri)} again after ${this.failures} failed attempts`);
      else this.logger.log(`connected to ${redactUri(uri)}`);
      this.failures = 0;
      return ch;
    } catch (err) {
      this.failures++;
      const wait = Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(this.failures, 6));
      this.retryAt = Date.now() + wait;
      if (this.failures === 1 || this.failures % 10 === 0) {
        this.logger.warn(`cannot connect to ${redactUri(uri)} (${(err as Error).message}); retrying, events wait in the outbox`);
      }
      return undefined;
    }
  }

  private lost(conn: ChannelModel, why: string) {
    if (this.connection !== conn) return;
    this.connection = undefined;
    this.confirm = undefined;
    this.blocked = false;
    this.declared.clear(); // the broker may have restarted empty
    if (!this.closed) this.logger.warn(`${why}; reconnecting, events wait in the outbox`);
    conn.close().catch(() => undefined);
  }

  /** Whether `declare(d)` already ran on this connection. */
  isDeclared(d: RabbitmqDestination): boolean {
    return this.declared.has(declarationKey(d));
  }

  /** Declares the exchange, queue and binding (idempotent on the broker; cached per connection). */
  async declare(d: RabbitmqDestination): Promise<void> {
    const key = declarationKey(d);
    if (this.declared.has(key)) return;
    const conn = this.connection;
    if (!conn) throw new Error('not connected');
    // Bounded: a broker that goes away mid-declaration must not hold the publisher forever.
    const ch = await withTimeout(conn.createChannel(), DECLARE_TIMEOUT_MS, 'open a channel');
    ch.on('error', () => undefined); // reported through the rejected call below
    try {
      await withTimeout(
        (async () => {
          await ch.assertExchange(d.exchange, 'topic', { durable: true, autoDelete: false });
          await ch.assertQueue(d.queue, { durable: true, autoDelete: false, arguments: { 'x-queue-type': 'quorum' } });
          await ch.bindQueue(d.queue, d.exchange, d.routingKey);
        })(),
        DECLARE_TIMEOUT_MS,
        `declare ${d.queue}`,
      );
      this.declared.add(key);
    } finally {
      ch.close().catch(() => undefined); // not awaited: closing on a dead connection never answers
    }
  }

  /**
   * Publishes in order on the confirm channel (AMQP keeps a channel's order) and resolves with
   * one result per item once the broker acked or nacked it: null = acked, else the error.
   * Everything is written before this returns its promise, and nothing waiting for a confirm
   * refers to an item: a caller that lets go of its items then (RabbitmqPublisher does) keeps no
   * body alive through the broker's round trip, so the bodies die young instead of being promoted.
   */
  publishAll(ch: ConfirmChannel, items: PublishItem[]): Promise<(Error | null)[]> {
    const results = items.map((item) => {
      let settle!: (result: Error | null) => void;
      const result = new Promise<Error | null>((resolve) => (settle = resolve));
      try {
        const ok = ch.publish(
          item.destination.exchange,
          item.destination.routingKey,
          Buffer.from(item.body),
          { persistent: true, messageId: item.messageId, contentType: 'application/json' },
          (err: unknown) => settle(err ? (err instanceof Error ? err : new Error('nacked by the broker')) : null),
        );
        void ok; // a full write buffer only delays; the confirms below pace us
      } catch (err) {
        settle(err as Error);
      }
      return result;
    });
    return this.confirmed(results);
  }

  private async confirmed(results: Promise<Error | null>[]): Promise<(Error | null)[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), CONFIRM_TIMEOUT_MS)));
    const all = Promise.all(results);
    const done = await Promise.race([all, timeout]);
    clearTimeout(timer);
    if (done !== 'timeout') return done;
    // No confirm in time (a blocked or stuck broker): unknown = not delivered; retried with the same message id.
    const late = new Error(`no broker confirm within ${CONFIRM_TIMEOUT_MS} ms`);
    return Promise.all(results.map((p) => Promise.race([p, Promise.resolve(late)])));
  }

  async onModuleDestroy() {
    this.closed = true;
    const conn = this.connection;
    this.connection = undefined;
    this.confirm = undefined;
    await conn?.close().catch(() => undefined);
  }
}
