import { connect, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { type GatewayProcess, RabbitmqBrokerProcess } from '@gw/testing';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';
import { eventually } from '../support/eventually';

/** A message as an Evolution consumer sees it. */
interface Received {
  queue: string;
  body: Record<string, any>;
  messageId: string;
  contentType?: string;
  deliveryMode?: number;
}

/**
 * What a consumer written for Evolution does: assert the queue with Evolution's arguments
 * (durable quorum) and consume it, reconnecting when the broker goes away.
 */
class EvolutionConsumer {
  readonly messages: Received[] = [];
  private conn?: ChannelModel;
  private waiters: { check: () => boolean; resolve: () => void }[] = [];
  private stopped = false;
  private retryTimer?: NodeJS.Timeout;

  constructor(private readonly uri: string, private readonly queues: string[]) {}

  async start(): Promise<this> {
    this.conn = await connect(this.uri);
    this.conn.on('error', () => undefined);
    // Like a real consumer: reconnect when the broker goes away (retrying until it is back).
    this.conn.on('close', () => void this.reconnect());
    const ch = await this.conn.createChannel();
    ch.on('error', () => undefined);
    for (const queue of this.queues) {
      await ch.assertQueue(queue, { durable: true, autoDelete: false, arguments: { 'x-queue-type': 'quorum' } });
      await ch.consume(queue, (m: ConsumeMessage | null) => {
        if (!m) return;
        const r: Received = {
          queue,
          body: JSON.parse(m.content.toString()),
          messageId: m.properties.messageId,
          contentType: m.properties.contentType,
          deliveryMode: m.properties.deliveryMode,
        };
        ch.ack(m);
        this.messages.push(r);
        this.waiters = this.waiters.filter((w) => (w.check() ? (w.resolve(), false) : true));
      });
    }
    return this;
  }

  private async reconnect() {
    while (!this.stopped) {
      try {
        await this.start();
        return;
      } catch {
        await new Promise((r) => this.retryTimer = setTimeout(r, 250));
      }
    }
  }

  /** Resolves when `check` holds, checked now and on every message. */
  waitUntil(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${this.messages.length} messages`)), timeoutMs);
      this.waiters.push({ check, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  async waitFor(pred: (m: Received) => boolean, what: string, timeoutMs = 60_000): Promise<Received> {
    await this.waitUntil(() => this.messages.some(pred), what, timeoutMs);
    return this.messages.find(pred)!;
  }

  async stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.conn?.close().catch(() => undefined);
  }
}

const NAME = 'rabbit1';
const QUEUE = `${NAME}.messages.upsert`;
const GLOBAL_QUEUE = 'evo.connection.update';

describe('events into RabbitMQ (e2e, real broker)', () => {
  const env = new E2eEnvironment();
  const broker = new RabbitmqBrokerProcess();
  let gateway: GatewayProcess;
  let alice: { jid: string; phone: string };
  let me: { jid: string };
  const consumers: EvolutionConsumer[] = [];
  const rabbitEnv = () => ({
    RABBITMQ_ENABLED: 'true',
    RABBITMQ_URI: broker.uri,
    RABBITMQ_EXCHANGE_NAME: 'gw_global',
    RABBITMQ_GLOBAL_ENABLED: 'true',
    RABBITMQ_PREFIX_KEY: 'evo',
    RABBITMQ_EVENTS_CONNECTION_UPDATE: 'true',
    LEASE_TTL_MS: '3000',
  });
  /** One consumer at a time: two on one queue would share its messages round-robin. */
  const consumer = async (queues: string[]) => {
    await Promise.all(consumers.splice(0).map((old) => old.stop()));
    const c = await new EvolutionConsumer(broker.uri, queues).start();
    consumers.push(c);
    return c;
  };
  const send = (text: string) => env.fake.sendMessage(me.jid, alice.phone, { conversation: text });
  /** Every copy of one WhatsApp message carries the same message_id (the delivery id). */
  const expectAllOnceOrSameId = (c: EvolutionConsumer, keyIds: string[]) => {
    for (const id of keyIds) {
      const copies = c.messages.filter((m) => m.body.data?.key?.id === id);
      expect({ id, n: copies.length >= 1 }).toEqual({ id, n: true });
      expect(new Set(copies.map((m) => m.messageId)).size).toBe(1);
    }
  };

  beforeAll(async () => {
    await Promise.all([broker.start(), env.start()]);
    gateway = await env.startGateway(rabbitEnv());
    alice = env.fake.createAccount({ pushName: 'Alice' });
    ({ me } = await env.linkInstance(gateway, NAME));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await env.stop();
    await broker.destroy();
  });

  it('set/find as Evolution; messages.upsert arrives in <instance>.messages.upsert with the webhook envelope, persistent, message_id = delivery id', async () => {
    const bad = await gateway.api('POST', `/rabbitmq/set/${NAME}`, { apikey: API_KEY, body: { rabbitmq: { enabled: true, events: ['NOPE'] } } });
    expect(bad.status).toBe(400);
    expect(bad.body.response.message[0]).toContain('unknown events (NOPE)');
    expect((await gateway.api('POST', `/rabbitmq/set/${NAME}`, { apikey: API_KEY, body: {} })).status).toBe(400);

    const set = await gateway.api('POST', `/rabbitmq/set/${NAME}`, { apikey: API_KEY, body: { rabbitmq: { enabled: true, events: ['MESSAGES_UPSERT'] } } });
    expect(set.status).toBe(201);
    expect(set.body).toMatchObject({ id: expect.any(String), enabled: true, events: ['MESSAGES_UPSERT'], instanceId: expect.any(String) });
    const found = await gateway.api('GET', `/rabbitmq/find/${NAME}`, { apikey: API_KEY });
    expect(found).toMatchObject({ status: 200, body: { enabled: true, events: ['MESSAGES_UPSERT'] } });

    const c = await consumer([QUEUE, GLOBAL_QUEUE]);
    const key = await send('hello rabbit');
    const got = await c.waitFor((m) => m.queue === QUEUE && m.body.data?.key?.id === key.id, 'messages.upsert in its queue');
    expect(got.contentType).toBe('application/json');
    expect(got.deliveryMode).toBe(2);
    expect(got.messageId).toMatch(/^msg_/);
    // The same body the webhook got, minus `destination` (Evolution's RabbitMQ envelope), with the same sequence.
    const hook = await env.receiver.waitFor((w) => w.path === '/hooks/messages-upsert' && w.body.data?.key?.id === key.id);
    const { destination, ...webhookBody } = hook.body;
    expect(destination).toBeDefined();
    expect(got.body).toEqual(webhookBody);
    expect(got.body).toMatchObject({ event: 'messages.upsert', instance: NAME, sequence: expect.any(Number) });

    // Global: connection.update of the instance went to RABBITMQ_EXCHANGE_NAME, queue <prefix>.<event>.
    const global = await c.waitFor((m) => m.queue === GLOBAL_QUEUE && m.body.instance === NAME, 'global connection.update');
    expect(global.body.event).toBe('connection.update');

    // The delivery log lists it with its destination, delivered after the broker's ack (the consumer may see
    // the message before the publisher has written that ack down).
    await waitDelivered(gateway, got.messageId);
    const log = await gateway.api('GET', `/webhook/deliveries/${NAME}?limit=200`, { apikey: API_KEY });
    const row = log.body.deliveries.find((d: { id: string }) => d.id === got.messageId);
    expect(row).toMatchObject({ target: 'rabbitmq', url: `amqp:${NAME}/${QUEUE}`, status: 'delivered', attempts: 1, event: 'MESSAGES_UPSERT' });
  });

  it('order: an instance\'s events reach its queue in sequence order, also when they come faster than one publish', async () => {
    await gateway.api('POST', `/rabbitmq/set/${NAME}`, { apikey: API_KEY, body: { rabbitmq: { enabled: true, events: ['MESSAGES_UPSERT'] } } });
    const c = await consumer([QUEUE]);
    // Sent without waiting for each other: the gateway writes them in batches and the publisher has several
    // batches unconfirmed at a time; the queue must still get them oldest first.
    const keys = await Promise.all(Array.from({ length: 40 }, (_, i) => send(`burst ${i}`)));
    const mine = (m: Received) => keys.some((k) => k.id === m.body.data?.key?.id);
    await c.waitUntil(() => c.messages.filter(mine).length >= keys.length, `the ${keys.length} burst messages`);
    const sequences = c.messages.filter(mine).map((m) => m.body.sequence as number);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(sequences).size).toBe(keys.length);
  });

  it('broker restart while messages arrive: every event is delivered once the broker is back, none lost', async () => {
    const c = await consumer([QUEUE]);
    const ids: string[] = [];
    const sendSome = async (n: number, label: string) => {
      for (let i = 0; i < n; i++) ids.push((await send(`${label} ${i}`)).id);
    };
    await sendSome(10, 'before');
    await c.waitFor((m) => m.body.data?.message?.conversation === 'before 5', 'first messages before the restart');
    // Messages keep arriving while the broker shuts down, while it is down and while it starts.
    await Promise.all([broker.stop(), sendSome(15, 'stopping')]);
    await sendSome(10, 'down');
    await Promise.all([broker.start(), sendSome(5, 'starting')]);
    await sendSome(5, 'after');
    const has = (id: string) => c.messages.some((m) => m.body.data?.key?.id === id);
    await c.waitUntil(() => ids.every(has), `all ${ids.length} messages after the restart`, 90_000);
    expect(ids).toHaveLength(45);
    expectAllOnceOrSameId(c, ids);
    expect(gateway.logs.join('\n')).toMatch(/reconnecting, events wait in the outbox/);

    const metrics = await fetch(`${gateway.url}/metrics`, { headers: { apikey: API_KEY } }).then((r) => r.text());
    const delivered = Number(/rabbitmq_deliveries_total\{outcome="delivered",event="MESSAGES_UPSERT"\} (\d+)/.exec(metrics)?.[1]);
    expect(delivered).toBeGreaterThanOrEqual(46);
    expect(metrics).toMatch(/rabbitmq_connected 1/);
  }, 180_000);

  it('gateway SIGKILL between publish and ack: delivered after restart, duplicates only with the same message_id', async () => {
    const c = await consumer([QUEUE]);
    // A memory alarm makes the broker stop reading from publishers: publishes go out, no ack comes back.
    await broker.ctl(['set_vm_memory_high_watermark', '0']);
    const ids: string[] = [];
    let beforeKill = 0;
    try {
      // The alarm takes hold at the broker's next memory check, and the broker only tells a connection
      // it is blocked when that connection publishes: keep publishing (paced, bounded) until it says so;
      // the publish that meets the alarm is left without an ack. A fixed count raced the memory check.
      const blocked = gateway.waitForLog(/broker blocks publishing/, 1, 60_000);
      let isBlocked = false;
      void blocked.then(() => (isBlocked = true), () => undefined);
      for (let i = 0; i < 400 && !isBlocked; i++) {
        ids.push((await send(`unacked ${i}`)).id);
        await new Promise((r) => setTimeout(r, 50));
      }
      await blocked;
      for (let i = 0; i < 3; i++) ids.push((await send(`while blocked ${i}`)).id);
      await waitInOutbox(gateway, ids); // the guarantee starts once an event is in the outbox
      await gateway.stop('SIGKILL');
      beforeKill = c.messages.filter((m) => ids.includes(m.body.data?.key?.id)).length;
    } finally {
      // Whatever happened above, later tests need a broker that accepts publishes.
      await broker.ctl(['set_vm_memory_high_watermark', '0.4']);
    }
    expect(beforeKill).toBeLessThan(ids.length);

    gateway = await env.startGateway(rabbitEnv());
    await c.waitUntil(() => ids.every((id) => c.messages.some((m) => m.body.data?.key?.id === id)), `the ${ids.length} messages sent while the broker blocked`, 60_000);
    expectAllOnceOrSameId(c, ids);
    // ...and the log says delivered for each (written after the broker's ack, so it may trail the consumer).
    const mine = [...new Set(c.messages.filter((m) => ids.includes(m.body.data?.key?.id)).map((m) => m.messageId))];
    const statusOf = (log: { body: { deliveries: { id: string; status: string }[] } }) =>
      mine.map((id) => log.body.deliveries.find((d) => d.id === id)?.status);
    const log = await eventually(
      () => gateway.api('GET', `/webhook/deliveries/${NAME}?limit=200`, { apikey: API_KEY }),
      (l) => statusOf(l).every((st) => st === 'delivered'),
    );
    expect(statusOf(log)).toEqual(mine.map(() => 'delivered'));
  }, 180_000);

  it('a RabbitMQ delivery can be redelivered from the log (same message_id)', async () => {
    const c = await consumer([QUEUE]);
    const key = await send('redeliver me');
    const first = await c.waitFor((m) => m.body.data?.key?.id === key.id, 'first copy');
    await waitDelivered(gateway, first.messageId);
    const res = await gateway.api('POST', `/webhook/deliveries/${NAME}/${first.messageId}/redeliver`, { apikey: API_KEY });
    expect(res).toEqual({ status: 202, body: { id: first.messageId, status: 'pending' } });
    await c.waitFor((m) => m !== first && m.body.data?.key?.id === key.id, 'the redelivered copy');
    expect(c.messages.filter((m) => m.body.data?.key?.id === key.id).map((m) => m.messageId)).toEqual([first.messageId, first.messageId]);
  }, 60_000);

  it('POST /instance/create applies its rabbitmq field as /rabbitmq/set does (enabled unless false)', async () => {
    const name = 'rabbit2';
    const create = (rabbitmq: unknown) => gateway.api('POST', '/instance/create', { apikey: API_KEY, body: { instanceName: name, rabbitmq } });
    const notBoolean = await create({ enabled: 'yes' });
    expect(notBoolean.status).toBe(400);
    expect(notBoolean.body.response.message.join(' ')).toContain('rabbitmq.enabled must be a boolean');
    const unknown = await create({ enabled: true, events: ['NOPE'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.response.message.join(' ')).toContain('unknown events (NOPE)');

    // The first QR is published after the create saved the setting: it is in the new instance's queue.
    const c = await consumer([`${name}.qrcode.updated`]);
    const res = await create({ events: ['QRCODE_UPDATED'] });
    expect(res.status).toBe(201);
    expect(res.body.rabbitmq).toEqual({ enabled: true });
    const found = await gateway.api('GET', `/rabbitmq/find/${name}`, { apikey: API_KEY });
    expect(found).toMatchObject({ status: 200, body: { enabled: true, events: ['QRCODE_UPDATED'], instanceId: res.body.instance.instanceId } });
    const qr = await c.waitFor((m) => m.body.instance === name, 'the new instance\'s first QR in <instance>.qrcode.updated');
    expect(qr.body).toMatchObject({ event: 'qrcode.updated', data: { qrcode: { code: expect.any(String) } }, sequence: expect.any(Number) });
    // The live publish carries the QR itself (only the stored copy has it removed).
    expect(qr.body.data.qrcode.code).not.toContain('expired QR');
    expect(qr.body.data.qrcode.base64).toMatch(/^data:image\/png;base64,/);
    expect(qr.messageId).toMatch(/^msg_/);
  }, 60_000);
});

/** Polls the delivery log until a RabbitMQ delivery of each WhatsApp message id is there. */
async function waitInOutbox(gateway: GatewayProcess, keyIds: string[]) {
  for (let i = 0; i < 100; i++) {
    const list = await gateway.api('GET', `/webhook/deliveries/${NAME}?limit=500`, { apikey: API_KEY });
    // Newest first: the messages of this test are among the latest RabbitMQ rows.
    const rows = (list.body.deliveries as { id: string; target: string }[]).filter((d) => d.target === 'rabbitmq').slice(0, keyIds.length + 10);
    const found = new Set<string>();
    for (const r of rows) {
      const one = await gateway.api('GET', `/webhook/deliveries/${NAME}/${r.id}`, { apikey: API_KEY });
      found.add(JSON.parse(one.body.payload).data?.key?.id);
    }
    if (keyIds.every((id) => found.has(id))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the messages never reached the outbox');
}

async function waitDelivered(gateway: GatewayProcess, id: string) {
  for (let i = 0; i < 100; i++) {
    const res = await gateway.api('GET', `/webhook/deliveries/${NAME}/${id}`, { apikey: API_KEY });
    if (res.body?.status === 'delivered') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`delivery ${id} never marked delivered`);
}
