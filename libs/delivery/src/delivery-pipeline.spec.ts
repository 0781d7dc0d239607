import { INestApplicationContext } from '@nestjs/common';
import { EVENT_SINK, EventSink, GatewayEvent } from '@gw/events';
import { DeliveryLogRepository, PrismaService } from '@gw/persistence';
import { TestDatabase, WebhookReceiver, deleteRedisPrefix } from '@gw/testing';
import IORedis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { QueueEvents } from 'bullmq';
import { createHmac } from 'node:crypto';
import { AttemptLogWriter } from './attempt-log.writer';
import { DeliveryProducer } from './delivery-producer.service';
import { QUEUES } from '@gw/redis';
import { deliveryContext } from './delivery-spec.context';
import { SigningConfigCache } from './signing-config.cache';
import { WebhookTargetCache } from './webhook-target.cache';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The real pipeline in one process: event in -> route -> BullMQ (real Redis) -> signed POST
 * -> local receiver, with the attempt log in real Postgres.
 */
describe('webhook delivery pipeline (real Redis and Postgres)', () => {
  const db = new TestDatabase();
  const receiver = new WebhookReceiver();
  const prefix = `gwtest_${randomBytes(4).toString('hex')}`;
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  let app: INestApplicationContext;
  let sink: EventSink;
  let prisma: PrismaService;
  let instanceId: string;
  let webhookId: string;
  let events: QueueEvents;

  beforeAll(async () => {
    await Promise.all([db.create(), receiver.start()]);
    app = await deliveryContext(
      { databaseUrl: db.url, redisUrl: REDIS_URL, prefix }, // the same Redis server the spec's own clients use
      {
        WEBHOOK_RETRY_SCHEDULE: '0,0,0', // attempts back to back (seconds): the test is about outcomes, not waiting
        // long enough that a loaded CI machine never times out a real answer; the 'hang' attempt waits it out
        WEBHOOK_REQUEST_TIMEOUT_MS: '1500',
        WEBHOOK_GLOBAL_ENABLED: 'true',
        WEBHOOK_GLOBAL_URL: `${receiver.url}/global`,
        WEBHOOK_EVENTS_WEBHOOK_DISABLED: 'true',
      },
    );
    sink = app.get(EVENT_SINK);
    events = new QueueEvents(QUEUES.webhookDelivery, { connection: new IORedis(REDIS_URL, { maxRetriesPerRequest: null }), prefix });
    await events.waitUntilReady();
    prisma = app.get(PrismaService);
    const instance = await prisma.instance.create({
      data: { name: 'pipe', token: 'T', webhooks: { create: { url: `${receiver.url}/hook`, events: [], secret, hubSignature: true } } },
      include: { webhooks: true },
    });
    instanceId = instance.id;
    webhookId = instance.webhooks[0].id;
  });

  afterAll(async () => {
    await events?.close();
    await app?.close();
    await deleteRedisPrefix(REDIS_URL, prefix);
    await receiver.stop();
    await db.drop();
  });

  const event = (data: unknown, name: GatewayEvent['name'] = 'MESSAGES_UPSERT'): GatewayEvent => ({
    name,
    instanceId,
    instanceName: 'pipe',
    data,
    occurredAt: new Date(),
    audience: 'instance',
  });

  /** The delivery log's attempts (a first attempt answered 2xx is kept in the delivery row, the others are attempt rows). */
  const attemptsOf = async (deliveryId: string) => (await app.get(DeliveryLogRepository).get(instanceId, deliveryId))!.attemptLog;

  it('retries 500s, timeouts and 503s with the same webhook-id until a 2xx, then stops; every attempt is logged', async () => {
    let calls = 0;
    receiver.respondWith((w) => {
      if (w.body?.data?.n !== 1) return 200;
      calls += 1;
      return ([500, 'hang', 503] as const)[calls - 1] ?? 200;
    });
    await sink.publish(event({ n: 1 }));
    const delivered = await receiver.waitFor((w) => w.body?.data?.n === 1);
    const ids = receiver.attempts.filter((a) => a.body?.data?.n === 1).map((a) => a.headers['webhook-id']);
    expect(ids).toHaveLength(4);
    expect(new Set(ids)).toEqual(new Set([delivered.headers['webhook-id']]));
    expect(receiver.received.filter((w) => w.body?.data?.n === 1)).toHaveLength(1);

    const id = String(delivered.headers['webhook-id']);
    await settled(id);
    const attempts = await attemptsOf(id);
    expect(attempts.map((a) => a.statusCode)).toEqual([500, null, 503, 200]);
    expect(attempts[1].error).toMatch(/timeout|aborted/i);
    expect(attempts.every((a) => a.latencyMs >= 0)).toBe(true);
    const row = await prisma.webhookDelivery.findUnique({ where: { id } });
    expect(row).toMatchObject({ status: 'delivered', attempts: 4, event: 'MESSAGES_UPSERT', target: 'instance' });
  });

  it('signs with Standard Webhooks (verifiable by the reference library) and X-Hub-Signature-256; numbers events per instance', async () => {
    receiver.respondWith(() => 200);
    await sink.publish(event({ n: 2 }));
    await sink.publish(event({ n: 3 }));
    const a = await receiver.waitFor((w) => w.body?.data?.n === 2);
    const b = await receiver.waitFor((w) => w.body?.data?.n === 3);
    const verifier = new StandardWebhook(secret);
    const headersOf = (w: typeof a) => ({
      'webhook-id': String(w.headers['webhook-id']),
      'webhook-timestamp': String(w.headers['webhook-timestamp']),
      'webhook-signature': String(w.headers['webhook-signature']),
    });
    expect(verifier.verify(a.raw, headersOf(a))).toMatchObject({ event: 'messages.upsert', data: { n: 2 } });
    expect(() => verifier.verify(a.raw.replace('"n":2', '"n":9'), headersOf(a))).toThrow();
    const hmac = createHmac('sha256', secret).update(a.raw).digest('hex');
    expect(a.headers['x-hub-signature-256']).toBe(`sha256=${hmac}`);
    expect(b.body.sequence).toBeGreaterThan(a.body.sequence);
    expect(b.headers['webhook-sequence']).toBe(String(b.body.sequence));
  });

  it('numbers each instance gaplessly in publish order (body, header and outbox row agree); one event to two webhooks shares its number', async () => {
    receiver.respondWith(() => 200);
    const other = await prisma.instance.create({ data: { name: 'pipe2', token: 'T-seq', webhooks: { create: { url: `${receiver.url}/other`, events: [] } } } });
    const before = Number((await prisma.instance.findUniqueOrThrow({ where: { id: instanceId } })).eventSequence);
    const mine = Array.from({ length: 6 }, (_, k) => event({ seq: k }));
    const theirs = Array.from({ length: 3 }, (_, k) => ({ ...event({ seq: 100 + k }), instanceId: other.id, instanceName: 'pipe2' }));
    // as two instances publish at the same time: their batches share producer writes
    await Promise.all([sink.publishMany!(mine.slice(0, 3)).then(() => sink.publishMany!(mine.slice(3))), sink.publishMany!(theirs)]);
    // an event for both the instance and the global webhook
    await sink.publish({ ...event({ seq: 'both' }, 'WEBHOOK_DISABLED'), audience: undefined });

    const got = (seq: unknown, path?: string) => receiver.waitFor((w) => w.body?.data?.seq === seq && (!path || w.path === path));
    const mineGot = await Promise.all(mine.map((_, k) => got(k)));
    const theirsGot = await Promise.all(theirs.map((_, k) => got(100 + k)));
    expect(mineGot.map((w) => w.body.sequence)).toEqual([1, 2, 3, 4, 5, 6].map((n) => before + n));
    expect(theirsGot.map((w) => w.body.sequence)).toEqual([1, 2, 3]);
    const [toHook, toGlobal] = await Promise.all([got('both', '/hook'), got('both', '/global')]);
    expect(toHook.body.sequence).toBe(before + 7);
    expect(toGlobal.body.sequence).toBe(before + 7);
    for (const w of [...mineGot, ...theirsGot, toHook]) {
      expect(w.headers['webhook-sequence']).toBe(String(w.body.sequence));
      const row = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: String(w.headers['webhook-id']) } });
      expect(row.body).toBe(w.raw); // a retry or replay sends the same bytes
      expect(Number(row.sequence)).toBe(w.body.sequence);
    }
    expect(Number((await prisma.instance.findUniqueOrThrow({ where: { id: instanceId } })).eventSequence)).toBe(before + 7);
  });

  it('honours Retry-After on 429', async () => {
    let first = 0;
    receiver.respondWith((w) => {
      if (w.body?.data?.n !== 4) return 200;
      if (!first) {
        first = Date.now();
        return { status: 429, headers: { 'retry-after': '1' } };
      }
      return 200;
    });
    await sink.publish(event({ n: 4 }));
    const ok = await receiver.waitFor((w) => w.body?.data?.n === 4);
    expect(ok.receivedAt - first).toBeGreaterThanOrEqual(900); // the schedule alone would retry at once
  });

  it('refuses cloud-metadata targets without retrying, and records why', async () => {
    await prisma.webhook.update({ where: { id: webhookId }, data: { url: 'http://169.254.169.254/latest/meta-data' } });
    app.get(WebhookTargetCache).invalidate(instanceId);
    const done = settled(undefined, (row) => row.url.includes('169.254.169.254'));
    await sink.publish(event({ n: 5 }));
    const id = await done;
    const row = await prisma.webhookDelivery.findUnique({ where: { id } });
    expect(row).toMatchObject({ status: 'refused', url: 'http://169.254.169.254/latest/meta-data' });
    const attempts = await attemptsOf(id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0].error).toMatch(/169\.254\.169\.254/);
  });

  it('410 Gone disables the webhook and announces WEBHOOK_DISABLED to the global webhook', async () => {
    await prisma.webhook.update({ where: { id: webhookId }, data: { url: `${receiver.url}/gone` } });
    app.get(WebhookTargetCache).invalidate(instanceId);
    receiver.respondWith((w) => (w.path === '/gone' ? 410 : 200));
    const done = settled(undefined, (row) => row.url.endsWith('/gone'));
    await sink.publish(event({ n: 6 }));
    await done;
    const notice = await receiver.waitFor((w) => w.body?.event === 'webhook.disabled' && w.body?.data?.url === `${receiver.url}/gone`);
    expect(notice.path).toBe('/global');
    expect(notice.body.data).toMatchObject({ instance: 'pipe', url: `${receiver.url}/gone`, reason: expect.stringContaining('410') });
    const hook = await prisma.webhook.findUnique({ where: { id: webhookId } });
    expect(hook).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('410') });
    expect(receiver.attempts.filter((a) => a.path === '/gone')).toHaveLength(1);
  });

  it('ordered webhooks: a failing head blocks only its own chat, and a chat is delivered strictly in order', async () => {
    await prisma.webhook.update({
      where: { id: webhookId },
      data: { url: `${receiver.url}/ordered`, ordered: true, enabled: true, disabledAt: null, disabledReason: null, failingSince: null },
    });
    app.get(WebhookTargetCache).invalidate(instanceId);
    app.get(SigningConfigCache).invalidate(webhookId);
    let a1Tries = 0;
    receiver.respondWith((w) => {
      if (w.body?.data?.tag === 'A1' && ++a1Tries === 1) return 'hang'; // the head of chat A times out once
      return 200;
    });
    const msg = (chat: string, tag: string) => event({ key: { remoteJid: chat, id: tag }, tag });
    for (const [chat, tag] of [['A@s.whatsapp.net', 'A1'], ['B@s.whatsapp.net', 'B1'], ['A@s.whatsapp.net', 'A2'], ['A@s.whatsapp.net', 'A3'], ['B@s.whatsapp.net', 'B2']]) {
      await sink.publish(msg(chat, tag));
    }
    const got = async (tag: string) => receiver.waitFor((w) => w.path === '/ordered' && w.body?.data?.tag === tag);
    const [a1, a2, a3, b2] = await Promise.all([got('A1'), got('A2'), got('A3'), got('B2')]);
    expect(b2.receivedAt).toBeLessThan(a1.receivedAt); // chat B did not wait for chat A
    const orderA = receiver.received.filter((w) => w.path === '/ordered' && /^A/.test(w.body?.data?.tag)).map((w) => w.body.data.tag);
    expect(orderA).toEqual(['A1', 'A2', 'A3']);
    const firstA2 = receiver.attempts.find((w) => w.body?.data?.tag === 'A2')!;
    expect(firstA2.receivedAt).toBeGreaterThanOrEqual(a1.receivedAt);
    expect(a3.receivedAt).toBeGreaterThanOrEqual(a2.receivedAt);
  });

  it('disables a webhook that keeps failing past WEBHOOK_DISABLE_AFTER_MS', async () => {
    // A separate instance, so late successes of earlier tests cannot reset its failure clock.
    const sixDaysAgo = new Date(Date.now() - 6 * 24 * 3600 * 1000);
    const other = await prisma.instance.create({
      data: { name: 'pipe-down', token: 'T2', webhooks: { create: { url: `${receiver.url}/down`, events: [], failingSince: sixDaysAgo } } },
      include: { webhooks: true },
    });
    receiver.respondWith((w) => (w.path === '/down' ? 500 : 200));
    const before = receiver.received.filter((w) => w.body?.event === 'webhook.disabled').length;
    await sink.publish({ ...event({ n: 7 }), instanceId: other.id, instanceName: 'pipe-down' });
    const notice = await receiver.waitFor(
      (w) => w.body?.event === 'webhook.disabled' && receiver.received.filter((x) => x.body?.event === 'webhook.disabled').indexOf(w) >= before,
    );
    expect(notice.body.data).toMatchObject({ instance: 'pipe-down', reason: expect.stringContaining('failing continuously since') });
    expect(await prisma.webhook.findUnique({ where: { id: other.webhooks[0].id } })).toMatchObject({ enabled: false });
  });

  it('never sends a body over WEBHOOK_MAX_BODY_BYTES, and logs why', async () => {
    await prisma.webhook.update({ where: { id: webhookId }, data: { url: `${receiver.url}/big`, enabled: true } });
    app.get(WebhookTargetCache).invalidate(instanceId);
    await sink.publish(event({ blob: 'x'.repeat(3.5 * 1024 * 1024) }));
    const row = await prisma.webhookDelivery.findFirst({ where: { url: `${receiver.url}/big` } });
    expect(row).toMatchObject({ status: 'too_large', body: '', lastError: expect.stringContaining('exceeds WEBHOOK_MAX_BODY_BYTES') });
    expect(receiver.attempts.filter((w) => w.path === '/big')).toHaveLength(0);

    // Fewer characters than the limit, more bytes: 1.6 M two-byte characters are 3.2 MB of UTF-8.
    await prisma.webhook.update({ where: { id: webhookId }, data: { url: `${receiver.url}/big-utf8` } });
    app.get(WebhookTargetCache).invalidate(instanceId);
    await sink.publish(event({ blob: 'ç'.repeat(1.6 * 1024 * 1024) }));
    const wide = await prisma.webhookDelivery.findFirst({ where: { url: `${receiver.url}/big-utf8` } });
    expect(wide).toMatchObject({ status: 'too_large', body: '', lastError: expect.stringContaining('exceeds WEBHOOK_MAX_BODY_BYTES') });
    expect(receiver.attempts.filter((w) => w.path === '/big-utf8')).toHaveLength(0);
  });

  it('writes the next batch to the outbox while the previous one is dispatched; dispatches keep their order; a caller resolves once its batch is committed and the one before it dispatched', async () => {
    receiver.respondWith(() => 200);
    const producer = app.get(DeliveryProducer);
    const repo = app.get(DeliveryLogRepository);
    const log: string[] = [];
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((r) => (releaseFirst = r));
    let secondInserted!: () => void;
    const secondInsert = new Promise<void>((r) => (secondInserted = r));
    let firstInsertStarted!: () => void;
    const firstInsert = new Promise<void>((r) => (firstInsertStarted = r));
    let inserts = 0;
    const realInsert = repo.insertDeliveries.bind(repo);
    const realDispatch = producer.dispatch.bind(producer);
    const insertSpy = jest.spyOn(repo, 'insertDeliveries').mockImplementation(async (rows) => {
      const n = ++inserts;
      if (n === 1) firstInsertStarted();
      const out = await realInsert(rows);
      log.push(`inserted ${n}`);
      if (n === 2) secondInserted();
      return out;
    });
    let dispatches = 0;
    const dispatchSpy = jest.spyOn(producer, 'dispatch').mockImplementation(async (jobs, options) => {
      const n = ++dispatches;
      log.push(`dispatch ${n} start`);
      if (n === 1) await firstHeld; // Redis is slow for the first batch
      await realDispatch(jobs, options);
      log.push(`dispatched ${n}`);
    });
    try {
      const first = sink.publish(event({ n: 'p1' })).then(() => log.push('caller 1 resolved'));
      await firstInsert;
      // Published while the first batch is written: its INSERT waits for that INSERT, not for its dispatch.
      const second = sink.publish(event({ n: 'p2' })).then(() => log.push('caller 2 resolved'));
      await secondInsert;
      await first; // its row is durable: it does not wait for the held dispatch
      expect(log).toEqual(['inserted 1', 'dispatch 1 start', 'caller 1 resolved', 'inserted 2']);
      // The second batch is committed too, but waits while the batch before it is still not in Redis.
      await new Promise((r) => setImmediate(r));
      expect(log).not.toContain('caller 2 resolved');
      releaseFirst();
      await second;
      const at = (entry: string) => log.indexOf(entry);
      expect(at('dispatched 1')).toBeLessThan(at('dispatch 2 start'));
      expect(at('dispatched 1')).toBeLessThan(at('caller 2 resolved'));
    } finally {
      releaseFirst();
      insertSpy.mockRestore();
      dispatchSpy.mockRestore();
    }
    const a = await receiver.waitFor((w) => w.body?.data?.n === 'p1');
    const b = await receiver.waitFor((w) => w.body?.data?.n === 'p2');
    expect(b.body.sequence).toBe(a.body.sequence + 1);
  });

  it('writes a backlog in outbox INSERTs of at most 1,000 rows, numbered in call order; each caller resolves with its own batch', async () => {
    const producer = app.get(DeliveryProducer);
    const repo = app.get(DeliveryLogRepository);
    const log: string[] = [];
    const realInsert = repo.insertDeliveries.bind(repo);
    const spy = jest.spyOn(repo, 'insertDeliveries').mockImplementation(async (rows) => {
      log.push(`insert ${rows.length}`);
      return realInsert(rows);
    });
    // RabbitMQ rows (the publisher is off here): they go to the outbox only, not to Redis.
    const routed = (n: number) => ({
      job: {
        deliveryId: `msg_backlog_${randomBytes(8).toString('hex')}`, instanceId, instanceName: 'pipe', webhookId: null, target: 'rabbitmq' as const,
        event: 'MESSAGES_UPSERT' as const, url: 'amqp:pipe/messages.upsert', headers: {}, body: JSON.stringify({ n }), sequence: null, enqueuedAt: Date.now(),
      },
      numbering: { instanceId, event: { n }, inBody: true },
    });
    try {
      // 2,401 calls in one tick: a backlog
      await Promise.all(Array.from({ length: 2_401 }, (_, n) => producer.enqueue([routed(n)]).then(() => n === 0 && log.push('caller 0 resolved'))));
    } finally {
      spy.mockRestore();
    }
    expect(log.filter((l) => l.startsWith('insert'))).toEqual(['insert 1000', 'insert 1000', 'insert 401']);
    // the first batch's callers are told without waiting for the rest of the backlog
    expect(log.indexOf('caller 0 resolved')).toBeLessThan(log.lastIndexOf('insert 401'));
    const { rows } = await prisma.pool.query<{ seq: string; body: string }>(
      `SELECT "sequence"::text AS seq, "body" FROM "WebhookDelivery" WHERE "id" LIKE 'msg_backlog_%' ORDER BY "sequence"`,
    );
    expect(rows.map((r) => JSON.parse(r.body).n)).toEqual(Array.from({ length: 2_401 }, (_, n) => n));
    const first = Number(rows[0].seq);
    expect(rows.map((r) => Number(r.seq) - first)).toEqual(Array.from({ length: 2_401 }, (_, n) => n));
    expect(rows.every((r) => JSON.parse(r.body).sequence === Number(r.seq))).toBe(true);
  });

  it("runs two instances' outbox INSERTs at once, never two of one instance: its later call waits and keeps its numbers in call order", async () => {
    const producer = app.get(DeliveryProducer);
    const repo = app.get(DeliveryLogRepository);
    const other = (await prisma.instance.create({ data: { name: 'pipe3', token: 'T-overlap' } })).id;
    const routed = (instance: string, n: string) => ({
      job: {
        deliveryId: `msg_overlap_${randomBytes(8).toString('hex')}`, instanceId: instance, instanceName: 'x', webhookId: null, target: 'rabbitmq' as const,
        event: 'MESSAGES_UPSERT' as const, url: 'amqp:x/messages.upsert', headers: {}, body: JSON.stringify({ n }), sequence: null, enqueuedAt: Date.now(),
      },
      numbering: { instanceId: instance, event: { n }, inBody: true },
    });
    const inserts: string[][] = [];
    let secondStarted!: () => void;
    const second = new Promise<void>((r) => (secondStarted = r));
    const realInsert = repo.insertDeliveries.bind(repo);
    const spy = jest.spyOn(repo, 'insertDeliveries').mockImplementation(async (rows) => {
      const n = inserts.push(rows.map((r) => JSON.parse(r.body).n));
      if (n === 2) secondStarted();
      // The first INSERT is held until another one starts: with one INSERT at a time, none would.
      if (n === 1) {
        let timer!: NodeJS.Timeout;
        const guard = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no second INSERT started while the first ran')), 5_000)));
        await Promise.race([second, guard]).finally(() => clearTimeout(timer));
      }
      return realInsert(rows);
    });
    try {
      const a1 = producer.enqueue([routed(instanceId, 'a1')]);
      await new Promise((r) => setImmediate(r)); // a1's INSERT has started
      await Promise.all([a1, producer.enqueue([routed(instanceId, 'a2')]), producer.enqueue([routed(other, 'b1')])]);
    } finally {
      spy.mockRestore();
    }
    // b1 went alongside a1; a2 waited for a1's INSERT to end
    expect(inserts).toEqual([['a1'], ['b1'], ['a2']]);
    const { rows } = await prisma.pool.query<{ seq: string; body: string; iid: string }>(
      `SELECT "sequence"::text AS seq, "body", "instanceId"::text AS iid FROM "WebhookDelivery" WHERE "id" LIKE 'msg_overlap_%'`,
    );
    const seq = (n: string) => Number(rows.find((r) => JSON.parse(r.body).n === n)!.seq);
    expect(seq('a2')).toBe(seq('a1') + 1);
    expect(seq('b1')).toBe(1);
    expect(rows.every((r) => JSON.parse(r.body).sequence === Number(r.seq))).toBe(true);
  });

  it('sends the batches committed while a dispatch runs to Redis together in the next one, in batch order, up to 1,000 jobs', async () => {
    const producer = app.get(DeliveryProducer);
    const repo = app.get(DeliveryLogRepository);
    const routed = (n: string) => ({
      job: {
        deliveryId: `msg_merge_${randomBytes(8).toString('hex')}`, instanceId, instanceName: 'pipe', webhookId: null, target: 'rabbitmq' as const,
        event: 'MESSAGES_UPSERT' as const, url: 'amqp:pipe/messages.upsert', headers: {}, body: JSON.stringify({ n }), sequence: null, enqueuedAt: Date.now(),
      },
      numbering: { instanceId, event: { n }, inBody: true },
    });
    const dispatched: string[][] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let firstDispatch!: () => void;
    const firstStarted = new Promise<void>((r) => (firstDispatch = r));
    const realDispatch = producer.dispatch.bind(producer);
    const dispatchSpy = jest.spyOn(producer, 'dispatch').mockImplementation(async (jobs, options) => {
      if (dispatched.push(jobs.map((j) => JSON.parse(j.body).n)) === 1) {
        firstDispatch();
        await held; // Redis is slow for the first batch
      }
      await realDispatch(jobs, options);
    });
    const commits: (() => void)[] = [];
    const realInsert = repo.insertDeliveries.bind(repo);
    const insertSpy = jest.spyOn(repo, 'insertDeliveries').mockImplementation(async (rows) => {
      const out = await realInsert(rows);
      commits.shift()?.();
      return out;
    });
    const committed = () => new Promise<void>((r) => commits.push(r));
    try {
      const calls = [producer.enqueue([routed('m1')])];
      await firstStarted;
      // Each its own batch, committed while the first dispatch is held; the last two would
      // make a dispatch of more than 1,000 jobs together.
      for (const rows of [['m2'], ['m3'], Array.from({ length: 600 }, () => 'big1'), Array.from({ length: 600 }, () => 'big2')]) {
        const done = committed();
        calls.push(producer.enqueue(rows.map(routed)));
        await done;
      }
      release();
      await Promise.all(calls);
    } finally {
      release();
      dispatchSpy.mockRestore();
      insertSpy.mockRestore();
    }
    const big = (n: string) => Array.from({ length: 600 }, () => n);
    expect(dispatched).toEqual([['m1'], ['m2', 'm3', ...big('big1')], big('big2')]);
  });

  /**
   * Resolves with the id of the next delivery (or of `jobId`) whose job completes or finally
   * fails, and whose logged row matches `accept`, once its attempts are written.
   */
  function settled(jobId?: string, accept: (row: { url: string }) => boolean = () => true): Promise<string> {
    return new Promise((resolve) => {
      const onDone = async ({ jobId: id }: { jobId: string }) => {
        if (jobId && id !== jobId) return;
        await app.get(AttemptLogWriter).flush();
        const row = await prisma.webhookDelivery.findUnique({ where: { id } });
        if (!row || !accept(row)) return;
        events.off('completed', onDone);
        events.off('failed', onDone);
        resolve(id);
      };
      events.on('completed', onDone);
      events.on('failed', onDone);
    });
  }
});
