import { INestApplicationContext } from '@nestjs/common';
import { EVENT_SINK, EventSink, GatewayEvent } from '@gw/events';
import { DeliveryLogRepository, PrismaService } from '@gw/persistence';
import { QUEUES, redisKeys } from '@gw/redis';
import { QueueEventLog, ReceivedWebhook, TestDatabase, WebhookReceiver, deleteRedisPrefix } from '@gw/testing';
import { Job, Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { DeliveryJob, QueuedDelivery } from './delivery-job';
import { DeliveryProducer } from './delivery-producer.service';
import { deliveryContext } from './delivery-spec.context';
import { DeliverySweeper } from './delivery-sweeper.service';
import { DeliveryProcessor } from './delivery.processor';
import { OrderedLanes } from './ordered-lanes.service';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const A = 'A@s.whatsapp.net';
const B = 'B@s.whatsapp.net';

/**
 * Ordered webhooks' chat lanes when processes die, Redis fails, the outbox sweeper runs (also
 * after an upgrade) and deliveries are replayed (real Redis, Postgres, BullMQ and a local
 * receiver): a chat is still delivered in order, each delivery once.
 * The publishing side and the worker are separate application contexts, as the gateway and
 * apps/worker are.
 */
describe('ordered lanes across crashes and sweeps (real Redis and Postgres)', () => {
  const db = new TestDatabase();
  const receiver = new WebhookReceiver();
  const prefix = `gwtest_${randomBytes(4).toString('hex')}`;
  let publisher: INestApplicationContext;
  let worker: INestApplicationContext | undefined;
  let sink: EventSink;
  let prisma: PrismaService;
  let events: QueueEventLog;
  let queue: Queue;
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });

  const context = (workerEnabled: boolean) =>
    deliveryContext({ databaseUrl: db.url, redisUrl: REDIS_URL, prefix }, { WEBHOOK_REQUEST_TIMEOUT_MS: '1500', DELIVERY_WORKER_ENABLED: String(workerEnabled) });

  beforeAll(async () => {
    await Promise.all([db.create(), receiver.start()]);
    publisher = await context(false);
    sink = publisher.get(EVENT_SINK);
    prisma = publisher.get(PrismaService);
    events = await QueueEventLog.open(QUEUES.webhookDelivery, { redisUrl: REDIS_URL, prefix, kinds: ['added', 'completed', 'delayed'] });
    queue = new Queue(QUEUES.webhookDelivery, { connection: redis, prefix });
  });

  afterAll(async () => {
    await events?.close();
    await queue?.close();
    await worker?.close();
    await publisher?.close();
    await deleteRedisPrefix(REDIS_URL, prefix);
    redis.disconnect();
    await receiver.stop();
    await db.drop();
  });

  async function orderedInstance(name: string, retrySchedule?: string) {
    const instance = await prisma.instance.create({
      data: { name, token: `T-${name}`, webhooks: { create: { url: `${receiver.url}/${name}`, events: [], ordered: true, retrySchedule } } },
    });
    return instance.id;
  }

  const message = (instanceId: string, chat: string, tag: string): GatewayEvent => ({
    name: 'MESSAGES_UPSERT',
    instanceId,
    instanceName: 'lanes',
    data: { key: { remoteJid: chat, id: tag }, tag },
    occurredAt: new Date(),
    audience: 'instance',
  });

  const tagOf = (w: ReceivedWebhook) => String(w.body?.data?.tag);
  const idOf = (w: ReceivedWebhook) => String(w.headers['webhook-id']);
  /** The delivery id of each tag, from the outbox rows of one instance. */
  async function idsByTag(instanceId: string): Promise<Map<string, string>> {
    const rows = await prisma.webhookDelivery.findMany({ where: { instanceId } });
    return new Map(rows.map((r) => [JSON.parse(r.body).data.tag as string, r.id]));
  }

  /**
   * With no worker running, one chat's deliveries to a new ordered webhook (answered 200): the
   * first queued as its lane's head, the others waiting in the lane. `aged`: their outbox rows a
   * minute old, old enough for the sweeper, as behind a head that has been retrying for a while.
   */
  async function waitingLane(name: string, tags: string[], { aged = false } = {}) {
    await worker?.close(); // jobs wait in Redis, as behind a backlog
    worker = undefined;
    const instanceId = await orderedInstance(name);
    receiver.respondWith(() => 200);
    await sink.publishMany!(tags.map((tag) => message(instanceId, A, tag)));
    const ids = await idsByTag(instanceId);
    await events.reached(ids.get(tags[0])!, 'added');
    if (aged) await prisma.webhookDelivery.updateMany({ where: { instanceId }, data: { createdAt: new Date(Date.now() - 60_000) } });
    return { instanceId, ids };
  }

  it('a lane advances only past its own head: a finished delivery advancing again leaves the next one in place', async () => {
    const lanes = publisher.get(OrderedLanes);
    const laneKey = lanes.laneKey('w-unit', A);
    const delivery = (deliveryId: string, body: string): DeliveryJob => ({
      deliveryId,
      instanceId: null,
      instanceName: null,
      webhookId: 'w-unit',
      target: 'instance',
      event: 'MESSAGES_UPSERT',
      url: 'http://127.0.0.1:9/',
      headers: {},
      body,
      sequence: null,
      enqueuedAt: Date.now(),
      laneKey,
    });
    // The second one's body names the first one's id: only the element's own key counts.
    const [d1, d2, d3] = [delivery('d1', '{}'), delivery('d2', JSON.stringify({ deliveryId: 'd1' })), delivery('d3', '{}')];
    expect(await lanes.push(d1)).toBe(true);
    expect(await lanes.push(d2)).toBe(false);
    expect(await lanes.push(d3)).toBe(false);
    expect(await lanes.lanesOf(['d1', 'd2', 'd3', 'other'])).toEqual(new Map([['d1', laneKey], ['d2', laneKey], ['d3', laneKey]]));

    expect((await lanes.advance(laneKey, 'd1'))?.deliveryId).toBe('d2');
    // d1's job run again (its process died after advancing): d2, still in flight, stays the head.
    expect((await lanes.advance(laneKey, 'd1'))?.deliveryId).toBe('d2');
    expect((await lanes.head(laneKey))?.deliveryId).toBe('d2');
    expect(await lanes.lanesOf(['d1', 'd2', 'd3'])).toEqual(new Map([['d2', laneKey], ['d3', laneKey]]));
    expect((await lanes.advance(laneKey, 'd2'))?.deliveryId).toBe('d3');
    expect(await lanes.advance(laneKey, 'd3')).toBeNull();
    expect(await lanes.head(laneKey)).toBeNull();
    expect(await redis.exists(laneKey, redisKeys(prefix).laneMembers())).toBe(0);
  });

  it('a job run again after its process died sends nothing it had recorded: a delivered head goes out once and its lane advances once; a failed attempt is not numbered twice', async () => {
    const instanceId = await orderedInstance('rerun', Array(20).fill('1').join(','));
    let a1 = '';
    let b1Tries = 0;
    receiver.respondWith((w) => {
      if (w.path !== '/rerun') return 200;
      if (tagOf(w) === 'B1' && ++b1Tries === 1) return 503;
      // The head after A1 keeps failing until A1's job has run again: a lane advanced twice would let A3 overtake it.
      if (tagOf(w) === 'A2' && !events.kindsOf(a1).includes('completed')) return 503;
      return 200;
    });
    await sink.publishMany!([message(instanceId, A, 'A1'), message(instanceId, B, 'B1'), message(instanceId, A, 'A2'), message(instanceId, A, 'A3')]);
    const ids = await idsByTag(instanceId);
    a1 = ids.get('A1')!;
    await Promise.all(['A1', 'B1'].map((tag) => events.reached(ids.get(tag)!, 'added')));

    // A worker process takes both heads (A1, B1), records their attempts and dies before BullMQ
    // hears how they ended: their locks expire and the next worker runs both jobs again.
    const dyingConnection = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
    const dying = new Worker<QueuedDelivery>(QUEUES.webhookDelivery, null, {
      connection: dyingConnection,
      prefix,
      lockDuration: 1_000,
      autorun: false,
    });
    const taken = [await dying.getNextJob('dying'), await dying.getNextJob('dying')] as Job<QueuedDelivery>[];
    expect(taken.map((j) => j.id).sort()).toEqual([ids.get('A1'), ids.get('B1')].sort());
    const processor = publisher.get(DeliveryProcessor);
    for (const head of taken) await processor.process(head).catch(() => undefined); // B1's 503 asks for a retry
    await dying.close(true);
    dyingConnection.disconnect();
    const log = publisher.get(DeliveryLogRepository);
    expect(await log.progressOf([ids.get('A1')!, ids.get('B1')!])).toEqual(
      new Map([
        [ids.get('A1'), { status: 'delivered', attempts: 1 }],
        [ids.get('B1'), { status: 'pending', attempts: 1 }],
      ]),
    );

    worker = await context(true);
    await events.reached(ids.get('A1')!, 'completed');
    await Promise.all(['A3', 'B1'].map((tag) => receiver.waitFor((w) => w.path === '/rerun' && tagOf(w) === tag)));

    const sent = (tag: string) => receiver.attempts.filter((w) => idOf(w) === ids.get(tag));
    expect(sent('A1')).toHaveLength(1);
    expect(receiver.received.filter((w) => w.path === '/rerun' && tagOf(w).startsWith('A')).map(tagOf)).toEqual(['A1', 'A2', 'A3']);
    expect(sent('B1').map((w) => w.headers['webhook-id'])).toEqual([ids.get('B1'), ids.get('B1')]);
    await events.reached(ids.get('B1')!, 'completed');
    const b1 = await log.get(instanceId, ids.get('B1')!);
    expect(b1!.attemptLog.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 503],
      [2, 200],
    ]);
  });

  it('the outbox sweeper leaves deliveries waiting in a chat lane to it, and restarts a lane whose head never reached the queue', async () => {
    const { ids } = await waitingLane('swept', ['C1', 'C2', 'C3'], { aged: true });
    const sweeper = publisher.get(DeliverySweeper);

    // 1. Waiting behind their head, C2 and C3 get no job of their own.
    await sweeper.sweep();
    for (const tag of ['C2', 'C3']) expect(await queue.getJob(ids.get(tag)!)).toBeUndefined();

    // 2. The head's job is gone (its process died between the lane push and the queue add): a
    //    sweep queues the head again, as the lane's head, and still not the others.
    await queue.remove(ids.get('C1')!);
    await sweeper.sweep();
    const head = await queue.getJob(ids.get('C1')!);
    expect(head?.data).toMatchObject({ deliveryId: ids.get('C1'), laneKey: expect.any(String) });
    for (const tag of ['C2', 'C3']) expect(await queue.getJob(ids.get(tag)!)).toBeUndefined();

    worker = await context(true);
    await receiver.waitFor((w) => w.path === '/swept' && tagOf(w) === 'C3');
    expect(receiver.attempts.filter((w) => w.path === '/swept').map(tagOf)).toEqual(['C1', 'C2', 'C3']);
  });

  it('the first sweep after an upgrade leaves lanes an older version wrote (without member entries) whole', async () => {
    const { ids } = await waitingLane('upgraded', ['E1', 'E2', 'E3'], { aged: true });
    // What an older version left: the lane, with no member entries and no index yet.
    const keys = redisKeys(prefix);
    await redis.hdel(keys.laneMembers(), ...ids.values());
    await redis.del(keys.laneMembersIndexed());

    const upgraded = await context(false); // its boot sweep runs at once; sweep() joins or repeats it
    try {
      await upgraded.get(DeliverySweeper).sweep();
      for (const tag of ['E2', 'E3']) expect(await queue.getJob(ids.get(tag)!)).toBeUndefined();
      expect((await upgraded.get(OrderedLanes).lanesOf([...ids.values()])).size).toBe(3);
      expect(await redis.exists(keys.laneMembersIndexed())).toBe(1);
    } finally {
      await upgraded.close();
    }
    worker = await context(true);
    await receiver.waitFor((w) => w.path === '/upgraded' && tagOf(w) === 'E3');
    expect(receiver.attempts.filter((w) => w.path === '/upgraded').map(tagOf)).toEqual(['E1', 'E2', 'E3']);
  });

  it('a head whose lane cannot advance after its POST (Redis refusing) comes back and only advances it: sent once, its chat goes on', async () => {
    const { instanceId, ids } = await waitingLane('stuck', ['F1', 'F2']);
    // The lane's key holds a string for a while: the head's advance fails (WRONGTYPE), as with Redis failing.
    const hook = await prisma.webhook.findFirstOrThrow({ where: { instanceId } });
    const laneKey = publisher.get(OrderedLanes).laneKey(hook.id, A);
    await redis.rename(laneKey, `${laneKey}:saved`);
    await redis.set(laneKey, 'not a lane');

    worker = await context(true);
    await receiver.waitFor((w) => w.path === '/stuck' && tagOf(w) === 'F1');
    await events.reached(ids.get('F1')!, 'delayed'); // handed back, recorded delivered, lane not advanced
    await redis.del(laneKey);
    await redis.rename(`${laneKey}:saved`, laneKey);

    await receiver.waitFor((w) => w.path === '/stuck' && tagOf(w) === 'F2');
    await events.reached(ids.get('F1')!, 'completed');
    expect(receiver.attempts.filter((w) => w.path === '/stuck').map(tagOf)).toEqual(['F1', 'F2']);
    expect(await publisher.get(DeliveryLogRepository).progressOf([ids.get('F1')!])).toEqual(new Map([[ids.get('F1'), { status: 'delivered', attempts: 1 }]]));
  });

  it('a redelivery of a chat’s retrying head sends it now and the lane goes on in order; redelivering one waiting behind it changes nothing', async () => {
    worker ??= await context(true);
    const instanceId = await orderedInstance('replayed', '3600'); // the head's own retry would come in an hour
    let headUp = false;
    receiver.respondWith((w) => (w.path === '/replayed' && tagOf(w) === 'D1' && !headUp ? 503 : 200));
    await sink.publishMany!(['D1', 'D2', 'D3'].map((tag) => message(instanceId, A, tag)));
    const ids = await idsByTag(instanceId);
    await events.reached(ids.get('D1')!, 'delayed'); // its first attempt failed: it waits for its retry
    const producer = publisher.get(DeliveryProducer);
    const replay = async (tag: string) => {
      const row = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: ids.get(tag) } });
      const data: DeliveryJob = {
        deliveryId: row.id,
        instanceId,
        instanceName: 'lanes',
        webhookId: row.webhookId,
        target: 'instance',
        event: 'MESSAGES_UPSERT',
        url: row.url,
        headers: {},
        body: row.body,
        sequence: Number(row.sequence),
        enqueuedAt: Date.now(),
        attemptOffset: row.attempts,
      };
      await producer.redeliver(data);
    };

    await replay('D2');
    expect(await queue.getJob(ids.get('D2')!)).toBeUndefined(); // still waiting behind D1

    headUp = true;
    await replay('D1');
    await receiver.waitFor((w) => w.path === '/replayed' && tagOf(w) === 'D3');
    expect(receiver.received.filter((w) => w.path === '/replayed').map(tagOf)).toEqual(['D1', 'D2', 'D3']);
    expect(receiver.attempts.filter((w) => w.path === '/replayed').map(tagOf)).toEqual(['D1', 'D1', 'D2', 'D3']);
    const d1 = await publisher.get(DeliveryLogRepository).get(instanceId, ids.get('D1')!);
    expect(d1!.attemptLog.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 503],
      [2, 200],
    ]);
  });
});
