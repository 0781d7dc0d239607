import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, loadConfig } from '@gw/config';
import { DeliveryModule } from '@gw/delivery';
import { EVENT_SINK, EventSink, GatewayEvent } from '@gw/events';
import { DeliveryLogRepository, PersistenceModule, PrismaService } from '@gw/persistence';
import { QUEUES } from '@gw/redis';
import { QueueEventLog, type GatewayProcess, type ReceivedWebhook } from '@gw/testing';
import { E2eEnvironment } from '../support/e2e-env';

/**
 * A batch job (first attempts of several deliveries to one webhook) whose worker process is
 * SIGKILLed mid-way: the next worker re-sends only the deliveries the attempt log has not
 * recorded, with their original webhook-id, and none of those it recorded as delivered.
 * The publishing side runs in this process (as the gateway does), the worker as apps/worker.
 */
describe('batched first attempts survive a SIGKILLed worker (e2e)', () => {
  const env = new E2eEnvironment();
  let publisher: INestApplicationContext;
  let sink: EventSink;
  let prisma: PrismaService;
  let worker: GatewayProcess;
  let events: QueueEventLog;
  // Long enough that the held requests are still open when the worker is killed.
  const workerEnv = { WEBHOOK_RETRY_SCHEDULE: '1,1,1', WEBHOOK_REQUEST_TIMEOUT_MS: '60000' };

  beforeAll(async () => {
    await env.start();
    @Module({ imports: [ConfigModule.forRoot(loadConfig(env.gatewayEnv({ ...workerEnv, DELIVERY_WORKER_ENABLED: 'false', LOG_LEVEL: 'silent' }))), PersistenceModule, DeliveryModule] })
    class PublisherModule {}
    publisher = await NestFactory.createApplicationContext(PublisherModule, { logger: false });
    await publisher.init();
    sink = publisher.get(EVENT_SINK);
    prisma = publisher.get(PrismaService);
    events = await QueueEventLog.open(QUEUES.webhookDelivery, { redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: env.redisPrefix, kinds: ['completed'] });
    worker = await env.startWorker(workerEnv);
  });

  afterAll(async () => {
    await events?.close();
    await publisher?.close();
    await env.stop();
  });

  const idOf = (w: ReceivedWebhook) => String(w.headers['webhook-id']);

  it('re-sends only what was not recorded delivered, with the same webhook-id', async () => {
    const instance = await prisma.instance.create({
      data: { name: 'crash', token: 'T-crash', webhooks: { create: { url: `${env.receiver.url}/crash`, events: [], secret: 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXR0ZXN0c2VjcmV0' } } },
    });
    const held = new Set([2, 5, 7]); // answered only by the next worker
    let firstWorker = true;
    env.receiver.respondWith((w) => (w.path === '/crash' && firstWorker && held.has(w.body?.data?.n) ? 'hang' : 200));
    const batch = Array.from({ length: 8 }, (_, i): GatewayEvent => ({
      name: 'MESSAGES_UPSERT',
      instanceId: instance.id,
      instanceName: 'crash',
      data: { n: i + 1 },
      occurredAt: new Date(),
      audience: 'instance',
    }));
    await sink.publishMany!(batch);
    const rows = await prisma.webhookDelivery.findMany({ where: { instanceId: instance.id }, orderBy: { sequence: 'asc' } });
    expect(rows).toHaveLength(8);
    const ids = rows.map((r) => r.id);
    const heldIds = ids.filter((_, i) => held.has(i + 1));
    const answeredIds = ids.filter((_, i) => !held.has(i + 1));

    // Every POST of the batch is out; five answered, three held open.
    const tried = (id: string) => env.receiver.attempts.some((w) => idOf(w) === id);
    while (!ids.every(tried)) await env.receiver.nextAttempt();
    // The worker's attempt-log write has no event to await: poll until the five are recorded delivered.
    const until = Date.now() + 10_000;
    for (;;) {
      const delivered = await prisma.webhookDelivery.count({ where: { id: { in: answeredIds }, status: 'delivered' } });
      if (delivered === answeredIds.length) break;
      if (Date.now() > until) throw new Error(`only ${delivered} of ${answeredIds.length} recorded delivered`);
      await new Promise((r) => setTimeout(r, 50));
    }

    await worker.stop('SIGKILL');
    firstWorker = false;
    worker = await env.startWorker(workerEnv);

    // The killed job's lock expires (~10 s), the next worker runs it again.
    const batchJob = `batch_${ids[0]}`;
    await events.reached(batchJob, 'completed');
    for (const id of heldIds) await env.receiver.waitFor((w) => idOf(w) === id, 5_000, `held delivery ${id}`);

    for (const id of answeredIds) expect(env.receiver.attempts.filter((w) => idOf(w) === id)).toHaveLength(1);
    for (const id of heldIds) {
      expect(env.receiver.attempts.filter((w) => idOf(w) === id)).toHaveLength(2); // the killed POST, then the re-send
      expect(env.receiver.received.filter((w) => idOf(w) === id)).toHaveLength(1);
    }
    const after = await prisma.webhookDelivery.findMany({ where: { id: { in: ids } } });
    expect(after.every((r) => r.status === 'delivered')).toBe(true);
    // The killed attempts were never recorded; each delivery's log has one attempt, answered 200.
    const repository = new DeliveryLogRepository(prisma);
    const log = await Promise.all(after.map(async (r) => ({ id: r.id, attempts: (await repository.get(r.instanceId!, r.id))!.attemptLog })));
    expect(log.flatMap((d) => d.attempts.map((a) => [d.id, a.attempt, a.statusCode])).sort()).toEqual(ids.map((id) => [id, 1, 200]).sort());
  });
});
