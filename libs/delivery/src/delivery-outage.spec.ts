import { INestApplicationContext } from '@nestjs/common';
import { EVENT_SINK, EventSink } from '@gw/events';
import { DeliveryLogRepository, PrismaService } from '@gw/persistence';
import { QUEUES } from '@gw/redis';
import { PostgresServerControl, QueueEventLog, ReceivedWebhook, TestDatabase, WebhookReceiver, deleteRedisPrefix } from '@gw/testing';
import { randomBytes } from 'node:crypto';
import { deliveryContext } from './delivery-spec.context';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The gateway's own Postgres failing around an attempt: a retry it kept from being made (the
 * body of a pending retry is read back from the delivery log) does not use up the webhook's
 * schedule, and a delivered attempt whose health bookkeeping fails is not sent again. Real
 * Postgres (stopped and started again; a trigger refusing writes), real Redis, a local receiver.
 */
describe('delivery while our own Postgres is down or refusing writes (fault test)', () => {
  const db = new TestDatabase();
  const postgres = new PostgresServerControl();
  const receiver = new WebhookReceiver();
  const prefix = `gwtest_${randomBytes(4).toString('hex')}`;
  let app: INestApplicationContext;
  let events: QueueEventLog;

  beforeAll(async () => {
    await Promise.all([db.create(), receiver.start()]);
    app = await deliveryContext({ databaseUrl: db.url, redisUrl: REDIS_URL, prefix });
    events = await QueueEventLog.open(QUEUES.webhookDelivery, { redisUrl: REDIS_URL, prefix, kinds: ['delayed', 'failed', 'completed'] });
  });

  afterAll(async () => {
    if (!(await postgres.isUp())) await postgres.start();
    await events?.close();
    await app?.close();
    await deleteRedisPrefix(REDIS_URL, prefix);
    await receiver.stop();
    await db.drop();
  });

  it('a last retry due while Postgres is down is made once it is back, as the same attempt, instead of ending the job undelivered', async () => {
    const prisma = app.get(PrismaService);
    // One retry, 5 s after the first attempt: long enough to stop Postgres before it is due.
    const instance = await prisma.instance.create({
      data: { name: 'outage', token: 'T-outage', webhooks: { create: { url: `${receiver.url}/outage`, events: [], retrySchedule: '5' } } },
    });
    let tries = 0;
    receiver.respondWith((w) => (w.path === '/outage' && ++tries === 1 ? 503 : 200));
    const sink = app.get<EventSink>(EVENT_SINK);
    await sink.publish({ name: 'MESSAGES_UPSERT', instanceId: instance.id, instanceName: 'outage', data: { n: 1 }, occurredAt: new Date(), audience: 'instance' });
    const first: ReceivedWebhook = await receiver.nextAttempt();
    const id = String(first.headers['webhook-id']);
    // Its retry is queued (after its first attempt was recorded), then Postgres goes away.
    await events.reached(id, 'delayed');
    await postgres.stop();

    // The retry comes due and cannot read its body: it waits again, without using up the last attempt.
    const kinds = await events.until(id, (k) => k.includes('failed') || k.filter((x) => x === 'delayed').length >= 2);
    expect(kinds).toEqual(['delayed', 'delayed']);
    await postgres.start();

    const delivered = await receiver.waitFor((w) => String(w.headers['webhook-id']) === id, 30_000, 'the retry after the outage');
    expect(delivered.body.data).toEqual({ n: 1 });
    await events.reached(id, 'completed');
    const log = await new DeliveryLogRepository(prisma).get(instance.id, id);
    expect(log).toMatchObject({ status: 'delivered' });
    expect(log!.attemptLog.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 503],
      [2, 200],
    ]);
    expect(receiver.attempts.filter((w) => String(w.headers['webhook-id']) === id)).toHaveLength(2);
  });

  it('a retry whose delivery is no longer in the log (purged) ends at once instead of waiting for it again and again', async () => {
    const prisma = app.get(PrismaService);
    const instance = await prisma.instance.create({
      data: { name: 'purged', token: 'T-purged', webhooks: { create: { url: `${receiver.url}/purged`, events: [], retrySchedule: '1,1' } } },
    });
    receiver.respondWith((w) => (w.path === '/purged' ? 503 : 200));
    const sink = app.get<EventSink>(EVENT_SINK);
    await sink.publish({ name: 'MESSAGES_UPSERT', instanceId: instance.id, instanceName: 'purged', data: { n: 2 }, occurredAt: new Date(), audience: 'instance' });
    const first: ReceivedWebhook = await receiver.nextAttempt();
    const id = String(first.headers['webhook-id']);
    await events.reached(id, 'delayed');
    await prisma.webhookDelivery.delete({ where: { id } });

    const kinds = await events.until(id, (k) => k.includes('failed') || k.filter((x) => x === 'delayed').length >= 2);
    expect(kinds).toEqual(['delayed', 'failed']);
    expect(receiver.attempts.filter((w) => String(w.headers['webhook-id']) === id)).toHaveLength(1);
  });

  it('a delivered attempt whose webhook health cannot be written ends delivered, not retried (no second POST)', async () => {
    const prisma = app.get(PrismaService);
    // Failing since a minute ago: a success clears that, an UPDATE this database refuses while the trigger exists.
    const instance = await prisma.instance.create({
      data: {
        name: 'health',
        token: 'T-health',
        webhooks: { create: { url: `${receiver.url}/health`, events: [], ordered: true, retrySchedule: '1', failingSince: new Date(Date.now() - 60_000) } },
      },
    });
    receiver.respondWith(() => 200);
    await prisma.$executeRawUnsafe(`CREATE FUNCTION refuse_webhook_update() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql`);
    await prisma.$executeRawUnsafe(`CREATE TRIGGER refuse_update BEFORE UPDATE ON "Webhook" FOR EACH ROW EXECUTE FUNCTION refuse_webhook_update()`);
    try {
      const sink = app.get<EventSink>(EVENT_SINK);
      await sink.publish({ name: 'MESSAGES_UPSERT', instanceId: instance.id, instanceName: 'health', data: { n: 3 }, occurredAt: new Date(), audience: 'instance' });
      const sent: ReceivedWebhook = await receiver.nextAttempt();
      const id = String(sent.headers['webhook-id']);
      const kinds = await events.until(id, (k) => k.length > 0);
      expect(kinds).toEqual(['completed']);
      expect(receiver.attempts.filter((w) => String(w.headers['webhook-id']) === id)).toHaveLength(1);
      expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'delivered', attempts: 1 });
    } finally {
      await prisma.$executeRawUnsafe(`DROP TRIGGER refuse_update ON "Webhook"`);
      await prisma.$executeRawUnsafe(`DROP FUNCTION refuse_webhook_update()`);
    }
  });
});
