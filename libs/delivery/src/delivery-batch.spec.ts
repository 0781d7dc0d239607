import { INestApplicationContext } from '@nestjs/common';
import { EVENT_SINK, EventSink, GatewayEvent } from '@gw/events';
import { DeliveryLogRepository, PrismaService } from '@gw/persistence';
import { QUEUES } from '@gw/redis';
import { QueueEventLog, ReceivedWebhook, TestDatabase, WebhookReceiver, deleteRedisPrefix } from '@gw/testing';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { BatchMembership } from './batch-membership.service';
import { deliveryContext } from './delivery-spec.context';
import { DeliverySweeper } from './delivery-sweeper.service';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Batched first attempts keep the delivery guarantees (issue #20 item 1): real Redis, Postgres
 * and a local receiver. The publishing side and the worker are separate application contexts,
 * as the gateway and apps/worker are, so the worker can be stopped while jobs wait.
 */
describe('batched first attempts (real Redis and Postgres)', () => {
  const db = new TestDatabase();
  const receiver = new WebhookReceiver();
  const prefix = `gwtest_${randomBytes(4).toString('hex')}`;
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  let publisher: INestApplicationContext;
  let worker: INestApplicationContext | undefined;
  let sink: EventSink;
  let prisma: PrismaService;
  /** Jobs added to the queue, and those that completed or finally failed (their attempts are in the log by then). */
  let events: QueueEventLog;
  let queue: Queue;
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });

  const context = (workerEnabled: boolean, extra: Record<string, string> = {}) =>
    deliveryContext(
      { databaseUrl: db.url, redisUrl: REDIS_URL, prefix }, // the same Redis server the spec's own clients use
      {
        WEBHOOK_RETRY_SCHEDULE: '0,0,0', // retries back to back (seconds): the test is about outcomes, not waiting
        WEBHOOK_REQUEST_TIMEOUT_MS: '1500',
        DELIVERY_WORKER_ENABLED: String(workerEnabled),
        ...extra,
      },
    );

  beforeAll(async () => {
    await Promise.all([db.create(), receiver.start()]);
    publisher = await context(false);
    worker = await context(true);
    sink = publisher.get(EVENT_SINK);
    prisma = publisher.get(PrismaService);
    events = await QueueEventLog.open(QUEUES.webhookDelivery, { redisUrl: REDIS_URL, prefix, kinds: ['added', 'completed', 'failed'] });
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

  type Hook = { url: string; byEvents?: boolean; ordered?: boolean; secret?: string; retrySchedule?: string };
  async function instanceWith(name: string, hooks: Hook[]) {
    const instance = await prisma.instance.create({
      data: {
        name,
        token: `T-${name}`,
        webhooks: {
          create: hooks.map((h) => ({ url: h.url, events: [], secret: h.secret ?? secret, webhookByEvents: !!h.byEvents, ordered: !!h.ordered, retrySchedule: h.retrySchedule })),
        },
      },
    });
    return instance.id;
  }

  const event = (instanceId: string, name: GatewayEvent['name'], data: unknown): GatewayEvent => ({
    name,
    instanceId,
    instanceName: 'batch',
    data,
    occurredAt: new Date(),
    audience: 'instance',
  });

  const idOf = (w: ReceivedWebhook) => String(w.headers['webhook-id']);
  const attemptsTo = (id: string) => receiver.attempts.filter((a) => idOf(a) === id);
  const receivedOf = (id: string) => receiver.received.filter((a) => idOf(a) === id);
  /** The delivery log's attempts (a first attempt answered 2xx is kept in the delivery row, the others are attempt rows). */
  const attemptLog = async (deliveryId: string) => {
    const row = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
    return (await new DeliveryLogRepository(prisma).get(row.instanceId!, deliveryId))!.attemptLog;
  };

  /** Resolves once the job with this id has completed (or finally failed), whenever that was. */
  function finished(jobId: string, as: 'completed' | 'failed' = 'completed'): Promise<void> {
    return events.reached(jobId, as);
  }

  it('one job carries the first attempts; a failing URL and a timing-out delivery among them retry alone, on the schedule, with the same webhook-id', async () => {
    const instanceId = await instanceWith('batch', [{ url: `${receiver.url}/b`, byEvents: true }]);
    const firstTries = new Set<string>();
    receiver.respondWith((w) => {
      if (!w.path.startsWith('/b/')) return 200;
      const first = !firstTries.has(idOf(w));
      firstTries.add(idOf(w));
      if (w.path === '/b/messages-update') return first ? 500 : 200; // one URL of the webhook fails once
      if (w.body?.data?.n === 4 && first) return 'hang'; // one delivery times out once
      return 200;
    });
    const batch = [
      event(instanceId, 'MESSAGES_UPSERT', { n: 1 }),
      event(instanceId, 'MESSAGES_UPSERT', { n: 2 }),
      event(instanceId, 'MESSAGES_UPDATE', { n: 3 }),
      event(instanceId, 'MESSAGES_UPSERT', { n: 4 }),
      event(instanceId, 'MESSAGES_UPDATE', { n: 5 }),
      event(instanceId, 'CONTACTS_UPSERT', { n: 6 }),
    ];
    await sink.publishMany!(batch);
    const got = await Promise.all(batch.map((_, i) => receiver.waitFor((w) => w.path.startsWith('/b/') && w.body?.data?.n === i + 1)));
    const ids = got.map(idOf);
    const [ok1, ok2, failing3, slow4, failing5, ok6] = ids;

    // One batch job carried all six first attempts; only the three that failed got a job of their own.
    await Promise.all([`batch_${ok1}`, failing3, slow4, failing5].map((id) => finished(id)));
    const jobs = events.added.filter((a) => ids.includes(a.jobId) || a.jobId === `batch_${ok1}`);
    expect(jobs).toEqual(
      expect.arrayContaining([{ jobId: `batch_${ok1}`, name: 'batch' }, ...[failing3, slow4, failing5].map((id) => ({ jobId: id, name: expect.any(String) }))]),
    );
    expect(jobs).toHaveLength(4);

    // Each delivery its own POST with its own signature, received once; retries keep the webhook-id.
    const verifier = new StandardWebhook(secret);
    for (const w of got) {
      expect(() => verifier.verify(w.raw, { 'webhook-id': idOf(w), 'webhook-timestamp': String(w.headers['webhook-timestamp']), 'webhook-signature': String(w.headers['webhook-signature']) })).not.toThrow();
    }
    for (const id of ids) expect(receivedOf(id)).toHaveLength(1);
    for (const id of [ok1, ok2, ok6]) expect(attemptsTo(id)).toHaveLength(1);
    for (const id of [failing3, slow4, failing5]) expect(attemptsTo(id)).toHaveLength(2);
    // The slow receiver did not hold the others: they were answered before its request timed out.
    const slowStart = attemptsTo(slow4)[0].receivedAt;
    for (const id of [ok1, ok2, ok6]) expect(receivedOf(id)[0].receivedAt).toBeLessThan(slowStart + 1500);

    // The attempt log numbers each delivery's attempts continuously across the two jobs.
    expect((await attemptLog(failing3)).map((a) => [a.attempt, a.statusCode])).toEqual([[1, 500], [2, 200]]);
    const slow = await attemptLog(slow4);
    expect(slow.map((a) => [a.attempt, a.statusCode])).toEqual([[1, null], [2, 200]]);
    expect(slow[0].error).toMatch(/timeout|aborted/i);
    expect((await attemptLog(ok1)).map((a) => [a.attempt, a.statusCode])).toEqual([[1, 200]]);
    const rows = await prisma.webhookDelivery.findMany({ where: { id: { in: ids } } });
    expect(rows.map((r) => [r.id, r.status, r.attempts]).sort()).toEqual(
      ids.map((id) => [id, 'delivered', [failing3, slow4, failing5].includes(id) ? 2 : 1]).sort(),
    );
    // Nothing is left in the batch index.
    expect((await publisher.get(BatchMembership).lookup(ids)).size).toBe(0);
  });

  it('one job carries several webhooks’ first attempts: each signed with its own webhook’s secret, a failing one retried alone on its own schedule', async () => {
    // One instance per number, each with its own webhook (the fleet's case): four webhooks, four secrets.
    const secretOf = (tag: string) => `whsec_${Buffer.from(`secret-of-${tag}-${prefix}`).toString('base64')}`;
    const hooks = ['okA', 'okB', 'dies1', 'dies2'];
    const schedules: Record<string, string | undefined> = { dies1: '0', dies2: '0,0' }; // 1 and 2 retries; the deployment's is 3
    const instances = new Map<string, string>();
    for (const tag of hooks) {
      instances.set(tag, await instanceWith(`mixed-${tag}`, [{ url: `${receiver.url}/mixed/${tag}`, secret: secretOf(tag), retrySchedule: schedules[tag] }]));
    }
    receiver.respondWith((w) => (w.path.startsWith('/mixed/dies') ? 500 : 200));
    const order = ['okA', 'okB', 'dies1', 'okA', 'dies2', 'okB'];
    await sink.publishMany!(order.map((tag, n) => event(instances.get(tag)!, 'MESSAGES_UPSERT', { n })));
    const firstAttempt = async (tag: string, n: number) => {
      const is = (w: ReceivedWebhook) => w.path === `/mixed/${tag}` && w.body?.data?.n === n;
      while (!receiver.attempts.some(is)) await receiver.nextAttempt();
      return receiver.attempts.find(is)!;
    };
    const first = await Promise.all(order.map((tag, n) => firstAttempt(tag, n)));
    const ids = first.map(idOf);
    const [, , dies1, , dies2] = ids;
    await Promise.all([finished(`batch_${ids[0]}`), finished(dies1, 'failed'), finished(dies2, 'failed')]);

    // One batch job for all six (no batch per webhook, no single first attempt); the two that
    // failed got a job of their own each, nothing else did.
    const jobs = events.added.filter((a) => ids.includes(a.jobId) || ids.some((id) => a.jobId === `batch_${id}`));
    expect(jobs.map((j) => j.jobId).sort()).toEqual([`batch_${ids[0]}`, dies1, dies2].sort());

    // Each POST verifies with its own webhook's secret, and with no other webhook's.
    const verifies = (w: ReceivedWebhook, key: string) => {
      const headers = { 'webhook-id': idOf(w), 'webhook-timestamp': String(w.headers['webhook-timestamp']), 'webhook-signature': String(w.headers['webhook-signature']) };
      try {
        new StandardWebhook(key).verify(w.raw, headers);
        return true;
      } catch {
        return false;
      }
    };
    first.forEach((w, i) => {
      for (const tag of hooks) expect([tag, verifies(w, secretOf(tag))]).toEqual([tag, tag === order[i]]);
    });

    // The healthy webhooks' deliveries: one attempt each, delivered.
    for (const id of ids.filter((id) => id !== dies1 && id !== dies2)) {
      expect(attemptsTo(id)).toHaveLength(1);
      expect((await attemptLog(id)).map((a) => [a.attempt, a.statusCode])).toEqual([[1, 200]]);
    }
    // Each failing one: its webhook's schedule (1 + 1 and 1 + 2 attempts), not the deployment's nor the other's.
    expect((await attemptLog(dies1)).map((a) => [a.attempt, a.statusCode])).toEqual([[1, 500], [2, 500]]);
    expect((await attemptLog(dies2)).map((a) => [a.attempt, a.statusCode])).toEqual([[1, 500], [2, 500], [3, 500]]);
    expect(attemptsTo(dies1)).toHaveLength(2);
    expect(attemptsTo(dies2)).toHaveLength(3);
    for (const w of [...attemptsTo(dies1), ...attemptsTo(dies2)]) expect(verifies(w, secretOf(w.path.split('/')[2]))).toBe(true);
    const rows = await prisma.webhookDelivery.findMany({ where: { id: { in: ids } } });
    expect(rows.map((r) => [r.id, r.status, r.attempts]).sort()).toEqual(
      ids.map((id) => (id === dies1 ? [id, 'failed', 2] : id === dies2 ? [id, 'failed', 3] : [id, 'delivered', 1])).sort(),
    );
    expect((await publisher.get(BatchMembership).lookup(ids)).size).toBe(0);
  });

  it('a delivery that keeps failing in a batch gets exactly the schedule’s attempts, then is dead-lettered', async () => {
    const instanceId = await instanceWith('batch-dead', [{ url: `${receiver.url}/dead` }]);
    receiver.respondWith((w) => (w.path === '/dead' && w.body?.data?.n === 'never' ? 500 : 200));
    await sink.publishMany!([event(instanceId, 'MESSAGES_UPSERT', { n: 'ok' }), event(instanceId, 'MESSAGES_UPSERT', { n: 'never' })]);
    const ok = await receiver.waitFor((w) => w.path === '/dead' && w.body?.data?.n === 'ok');
    const isNever = (w: ReceivedWebhook) => w.path === '/dead' && w.body?.data?.n === 'never';
    while (!receiver.attempts.some(isNever)) await receiver.nextAttempt();
    const never = idOf(receiver.attempts.find(isNever)!);
    await finished(never, 'failed');
    expect(events.added).toContainEqual({ jobId: `batch_${idOf(ok)}`, name: 'batch' });
    // 1 attempt in the batch + 3 retries ('0,0,0') in its own job
    expect((await attemptLog(never)).map((a) => [a.attempt, a.statusCode])).toEqual([[1, 500], [2, 500], [3, 500], [4, 500]]);
    expect(attemptsTo(never)).toHaveLength(4);
    expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: never } })).toMatchObject({ status: 'failed', attempts: 4 });
  });

  it('ordered lanes still hold: an ordered webhook’s deliveries of a published batch go through their chat lanes, the unordered one’s share a job', async () => {
    const instanceId = await instanceWith('batch-lanes', [{ url: `${receiver.url}/ordered`, ordered: true }, { url: `${receiver.url}/free` }]);
    let a1Tries = 0;
    receiver.respondWith((w) => (w.path === '/ordered' && w.body?.data?.tag === 'A1' && ++a1Tries === 1 ? 'hang' : 200));
    const msg = (chat: string, tag: string) => event(instanceId, 'MESSAGES_UPSERT', { key: { remoteJid: chat, id: tag }, tag });
    const tags: [string, string][] = [['A@s.whatsapp.net', 'A1'], ['B@s.whatsapp.net', 'B1'], ['A@s.whatsapp.net', 'A2'], ['A@s.whatsapp.net', 'A3'], ['B@s.whatsapp.net', 'B2']];
    await sink.publishMany!(tags.map(([chat, tag]) => msg(chat, tag)));
    const got = (path: string, tag: string) => receiver.waitFor((w) => w.path === path && w.body?.data?.tag === tag);
    const [a1, a2, a3, b2] = await Promise.all(['A1', 'A2', 'A3', 'B2'].map((t) => got('/ordered', t)));
    const free = await Promise.all(tags.map(([, t]) => got('/free', t)));

    expect(b2.receivedAt).toBeLessThan(a1.receivedAt); // chat B did not wait for chat A
    const orderA = receiver.received.filter((w) => w.path === '/ordered' && /^A/.test(w.body?.data?.tag)).map((w) => w.body.data.tag);
    expect(orderA).toEqual(['A1', 'A2', 'A3']);
    const firstA2 = receiver.attempts.find((w) => w.path === '/ordered' && w.body?.data?.tag === 'A2')!;
    expect(firstA2.receivedAt).toBeGreaterThanOrEqual(a1.receivedAt);
    expect(a3.receivedAt).toBeGreaterThanOrEqual(a2.receivedAt);
    // The unordered webhook's five shared one job; no ordered delivery was batched.
    await finished(`batch_${idOf(free[0])}`);
    expect(events.added).toContainEqual({ jobId: `batch_${idOf(free[0])}`, name: 'batch' });
    const orderedIds = new Set(receiver.attempts.filter((w) => w.path === '/ordered').map(idOf));
    expect(events.added.filter((a) => a.name === 'batch' && orderedIds.has(a.jobId.replace(/^batch_/, '')))).toHaveLength(0);
  });

  it('the outbox sweeper leaves a waiting batch to itself, and re-queues its deliveries one by one if the batch job was lost', async () => {
    const instanceId = await instanceWith('batch-sweep', [{ url: `${receiver.url}/sweep` }]);
    receiver.respondWith(() => 200);
    await worker!.close(); // jobs wait in Redis, as behind a backlog
    worker = undefined;
    const sweeper = publisher.get(DeliverySweeper);

    /** Publishes three events and makes their outbox rows old enough for the sweeper. */
    const publishOld = async (round: string) => {
      await sink.publishMany!([1, 2, 3].map((n) => event(instanceId, 'MESSAGES_UPSERT', { round, n })));
      const rows = await prisma.webhookDelivery.findMany({ where: { instanceId, body: { contains: `"round":"${round}"` } }, orderBy: { sequence: 'asc' } });
      await prisma.webhookDelivery.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { createdAt: new Date(Date.now() - 60_000) } });
      return rows.map((r) => r.id);
    };
    const deliveredOnce = async (ids: string[]) => {
      await Promise.all(ids.map((id) => receiver.waitFor((w) => idOf(w) === id)));
      for (const id of ids) expect(attemptsTo(id)).toHaveLength(1);
    };

    // 1. The batch job waits: sweeping adds no job of its own for its deliveries.
    const kept = await publishOld('kept');
    const keptBatch = `batch_${kept[0]}`;
    expect(await queue.getJobState(keptBatch)).toBe('waiting');
    await sweeper.sweep();
    for (const id of kept) expect(await queue.getJob(id)).toBeUndefined();

    // 2. The batch job is lost (as when Redis loses a key): sweeping queues each delivery on its own.
    const lost = await publishOld('lost');
    await queue.remove(`batch_${lost[0]}`);
    await sweeper.sweep();
    for (const id of lost) expect(await queue.getJobState(id)).toBe('waiting');
    expect((await publisher.get(BatchMembership).lookup(lost)).size).toBe(0);

    worker = await context(true);
    await deliveredOnce([...kept, ...lost]);
    await Promise.all([keptBatch, ...lost].map((id) => finished(id)));
    for (const id of [...kept, ...lost]) expect(attemptsTo(id)).toHaveLength(1);
  });

  it('a process that died between the outbox commit and the dispatch: the next one sends those rows soon after boot, young as they are', async () => {
    const instanceId = await instanceWith('batch-crashed', [{ url: `${receiver.url}/crashed` }]);
    const hook = await prisma.webhook.findFirstOrThrow({ where: { instanceId } });
    const ids = [1, 2].map(() => `msg_${randomBytes(16).toString('hex')}`);
    // Committed a moment ago and never queued: what a SIGKILL right after the INSERT leaves.
    await publisher.get(DeliveryLogRepository).insertDeliveries(
      ids.map((id, i) => ({
        id,
        instanceId,
        instanceName: 'batch',
        webhookId: hook.id,
        target: 'instance' as const,
        event: 'messages.upsert',
        url: `${receiver.url}/crashed`,
        sequence: null,
        status: 'pending' as const,
        body: JSON.stringify({ event: 'messages.upsert', instance: 'batch', data: { crashed: i } }),
        numbering: { rank: i + 1, inBody: true },
      })),
    );
    const next = await context(false); // the next process: its sweeper's boot pass finds them too young
    try {
      // Without a second look after the grace they would wait for the 5-minute safety net (and time out here).
      const got = await Promise.all(ids.map((id) => receiver.waitFor((w) => idOf(w) === id)));
      expect(got.map((w) => w.body.data.crashed).sort()).toEqual([0, 1]);
    } finally {
      await next.close();
    }
  });

  it('DELIVERY_CONCURRENCY still caps the POSTs in flight when a job carries several', async () => {
    const instanceId = await instanceWith('batch-cap', [{ url: `${receiver.url}/cap` }]);
    await worker?.close();
    worker = await context(true, { DELIVERY_CONCURRENCY: '3' });
    let hold = true;
    receiver.respondWith((w) => (w.path === '/cap' && hold ? 'hang' : 200));
    await sink.publishMany!([1, 2, 3, 4, 5, 6].map((n) => event(instanceId, 'MESSAGES_UPSERT', { n })));
    const atCap = () => receiver.attempts.filter((w) => w.path === '/cap');
    while (atCap().length < 4) await receiver.nextAttempt();
    const [first, , third, fourth] = atCap();
    // Three held requests took every slot: the fourth POST started only when one timed out (1.5 s).
    expect(third.receivedAt - first.receivedAt).toBeLessThan(1000);
    expect(fourth.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(1300);
    hold = false;
    const ids = [...new Set(atCap().map(idOf))];
    await Promise.all(ids.map((id) => receiver.waitFor((w) => idOf(w) === id)));
  });
});
