import type { AppConfig } from '@gw/config';
import { WebhookReceiver } from '@gw/testing';
import IORedis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { QueueEvents } from 'bullmq';
import { DeliveryJob } from './delivery-job';
import { DELIVERY_QUEUE } from './delivery.constants';
import { DeliveryProducer } from './delivery-producer.service';
import { DeliveryProcessor } from './delivery.processor';

/** The delivery queue against real Redis and a real HTTP receiver. */
describe('webhook delivery (real Redis)', () => {
  const prefix = `gwtest_${randomBytes(4).toString('hex')}`;
  const config = {
    redis: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix },
    delivery: { workerEnabled: true, concurrency: 4, requestTimeoutMs: 300, retryScheduleMs: [50, 100, 100] },
  } as AppConfig;
  const redis = new IORedis(config.redis.url, { maxRetriesPerRequest: null });
  const receiver = new WebhookReceiver();
  const producer = new DeliveryProducer(config, redis);
  let processor: DeliveryProcessor | undefined;

  const job = (id: string, url: string): DeliveryJob => ({
    deliveryId: id,
    instanceId: '00000000-0000-0000-0000-000000000000',
    event: 'QRCODE_UPDATED',
    url,
    headers: { 'x-custom': 'yes' },
    body: JSON.stringify({ event: 'qrcode.updated', id }),
    enqueuedAt: Date.now(),
  });

  beforeAll(() => receiver.start());

  afterAll(async () => {
    await processor?.onModuleDestroy();
    await producer.onModuleDestroy();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await receiver.stop();
  });

  it('keeps jobs in Redis until a worker exists, then retries failures and timeouts with the same webhook-id', async () => {
    let calls = 0;
    receiver.respondWith(() => {
      calls += 1;
      if (calls === 1) return 500;
      if (calls === 2) return 'hang'; // exceeds the 300 ms attempt timeout
      if (calls === 3) return 503;
      return 200;
    });
    // Enqueued while no worker runs: the job must wait in Redis, not in memory.
    await producer.enqueue([job('msg_retry', `${receiver.url}/hook`)]);

    processor = new DeliveryProcessor(config, redis);
    processor.onApplicationBootstrap();
    const delivered = await receiver.waitFor((w) => w.body?.id === 'msg_retry', 10_000);

    expect(receiver.attempts.map((a) => a.headers['webhook-id'])).toEqual(['msg_retry', 'msg_retry', 'msg_retry', 'msg_retry']);
    expect(delivered.headers['x-custom']).toBe('yes');
    expect(delivered.headers['content-type']).toBe('application/json');
    expect(receiver.received.filter((w) => w.body?.id === 'msg_retry')).toHaveLength(1);
  });

  it('gives up at once on 410 Gone and after the schedule is exhausted otherwise', async () => {
    receiver.respondWith((w) => (w.body?.id === 'msg_gone' ? 410 : 500));
    const before = receiver.attempts.length;
    const events = new QueueEvents(DELIVERY_QUEUE, { connection: redis.duplicate(), prefix });
    await events.waitUntilReady();
    const finallyFailed: string[] = [];
    const bothFailed = new Promise<void>((resolve) =>
      events.on('failed', ({ jobId }) => {
        finallyFailed.push(jobId);
        if (finallyFailed.length === 2) resolve();
      }),
    );
    await producer.enqueue([job('msg_gone', `${receiver.url}/gone`), job('msg_down', `${receiver.url}/down`)]);
    await bothFailed;
    await events.close();
    expect(finallyFailed.sort()).toEqual(['msg_down', 'msg_gone']);
    const attempts = receiver.attempts.slice(before);
    expect(attempts.filter((a) => a.body.id === 'msg_gone')).toHaveLength(1);
    expect(attempts.filter((a) => a.body.id === 'msg_down')).toHaveLength(4); // 1 + 3 retries
  });
});
