import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { createFailFastRedis, createSubscriberRedis, redisKeys } from '@gw/redis';
import type IORedis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { LiveMessage, LiveTopic } from './live-message';

/** Listening nodes announce their topics again this often, in case an announcement was lost. */
const REANNOUNCE_MS = 30_000;
/** How long a new listener waits for the nodes to confirm its announcement (a node may have died without acking). */
const CONFIRM_TIMEOUT_MS = 2_000;

/** Control-channel messages: a node asks for announcements, announces a topic (asking for acks), or acks one. */
type Control = { op: 'ask' } | { op: 'listen'; topic: LiveTopic; ack?: string } | { op: 'ack'; id: string };

interface PendingConfirm {
  acks: number;
  /** Nodes that received the announcement (PUBLISH's answer); unknown until it returns. */
  expected: number;
  release: () => void;
}

type Handler = (topic: LiveTopic, message: LiveMessage) => void;

/**
 * Carries live events between gateway nodes over Redis pub/sub, so a socket on node A gets the
 * events of an instance node B runs. One channel per topic; a node subscribes to a topic's
 * channel while it has sockets for it and announces that on a control channel. Emitting nodes
 * publish only topics someone announced, and forget a topic once a PUBLISH reaches nobody:
 * an event nobody listens to costs a Set lookup, no Redis command and no serialisation.
 *
 * Started only by the gateway's socket server (start()); elsewhere (worker, benches) it opens no
 * connection and nothing is ever published.
 */
@Injectable()
export class LiveFanout implements OnModuleDestroy {
  private readonly logger = new Logger('LiveStream');
  private pub?: IORedis;
  private sub?: IORedis;
  /** Topics some node listens to → generation (bumped per announcement, so a late "0 receivers" does not undo a newer one). */
  private readonly listened = new Map<LiveTopic, number>();
  /** Topics this node subscribes to. */
  private readonly local = new Set<LiveTopic>();
  private handler: Handler = () => undefined;
  private generation = 0;
  private timer?: NodeJS.Timeout;
  private readonly confirms = new Map<string, PendingConfirm>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  private get control() {
    return redisKeys(this.config.redis.prefix).liveControl();
  }

  private channel(topic: LiveTopic) {
    return redisKeys(this.config.redis.prefix).liveTopic(topic);
  }

  /** Opens the Redis connections and asks the other nodes which topics they listen to. */
  async start(handler: Handler): Promise<void> {
    if (this.sub) return;
    this.handler = handler;
    // No offline queue: while Redis is away live events are dropped instead of piling up in memory.
    this.pub = createFailFastRedis(this.config.redis.url);
    this.sub = createSubscriberRedis(this.config.redis.url);
    for (const c of [this.pub, this.sub]) c.on('error', (err) => this.logger.debug?.(`redis: ${err.message}`));
    this.sub.on('message', (channel: string, text: string) => this.onMessage(channel, text));
    await this.sub.subscribe(this.control);
    // Also after a reconnect: announcements made while this node was cut off are lost.
    const ask = () => this.sendControl({ op: 'ask' });
    this.pub.on('ready', ask);
    if (this.pub.status === 'ready') ask();
    this.timer = setInterval(() => this.announceAll(), REANNOUNCE_MS).unref();
  }

  /** True when some node has sockets for the topic (then events are worth building). */
  isListened(topic: LiveTopic): boolean {
    return this.listened.has(topic);
  }

  publish(topic: LiveTopic, message: LiveMessage): void {
    const pub = this.pub;
    const generation = this.listened.get(topic);
    if (!pub || generation === undefined) return;
    pub.publish(this.channel(topic), JSON.stringify(message)).then(
      (receivers) => {
        if (receivers === 0 && this.listened.get(topic) === generation) this.listened.delete(topic);
      },
      (err: Error) => this.logger.debug?.(`${message.event} not streamed: ${err.message}`),
    );
  }

  /**
   * This node has sockets for the topic: resolves once subscribed and once every node has recorded
   * the announcement, so no event emitted after it is missed (emitting nodes hear announcements on
   * another connection, at their own pace: a plain PUBLISH would leave a gap).
   */
  async listen(topic: LiveTopic): Promise<void> {
    if (!this.sub) throw new Error('live stream not started');
    if (this.local.has(topic)) return;
    this.local.add(topic);
    await this.sub.subscribe(this.channel(topic));
    await this.announceConfirmed(topic);
  }

  private async announceConfirmed(topic: LiveTopic): Promise<void> {
    const pub = this.pub;
    if (!pub) return;
    const id = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const confirmed = new Promise<void>((release) => {
      this.confirms.set(id, { acks: 0, expected: Infinity, release });
      timer = setTimeout(release, CONFIRM_TIMEOUT_MS);
    });
    try {
      const expected = await pub.publish(this.control, JSON.stringify({ op: 'listen', topic, ack: id } satisfies Control));
      const pending = this.confirms.get(id)!;
      pending.expected = expected;
      if (pending.acks >= expected) pending.release();
      await confirmed;
    } catch {
      // Redis is away: the periodic announcement catches up.
    } finally {
      clearTimeout(timer);
      this.confirms.delete(id);
    }
  }

  /** The last socket of the topic left this node. */
  async unlisten(topic: LiveTopic): Promise<void> {
    if (!this.local.delete(topic)) return;
    await this.sub?.unsubscribe(this.channel(topic)).catch(() => undefined);
  }

  private onMessage(channel: string, text: string) {
    if (channel === this.control) return this.onControl(text);
    const topics = this.channel('');
    if (!channel.startsWith(topics)) return;
    const topic = channel.slice(topics.length);
    try {
      this.handler(topic, JSON.parse(text) as LiveMessage);
    } catch (err) {
      this.logger.warn(`live event on ${topic} not delivered: ${(err as Error).message}`);
    }
  }

  private onControl(text: string) {
    let control: Control;
    try {
      control = JSON.parse(text) as Control;
    } catch {
      return;
    }
    if (control.op === 'ask') this.announceAll();
    else if (control.op === 'listen') {
      this.listened.set(control.topic, ++this.generation);
      if (control.ack) this.sendControl({ op: 'ack', id: control.ack });
    } else if (control.op === 'ack') {
      const pending = this.confirms.get(control.id);
      if (pending && ++pending.acks >= pending.expected) pending.release();
    }
  }

  private sendControl(control: Control) {
    void this.pub?.publish(this.control, JSON.stringify(control)).catch(() => undefined);
  }

  private announce(topic: LiveTopic) {
    this.sendControl({ op: 'listen', topic });
  }

  private announceAll() {
    for (const topic of this.local) this.announce(topic);
  }

  onModuleDestroy() {
    clearInterval(this.timer);
    this.pub?.disconnect();
    this.sub?.disconnect();
  }
}
