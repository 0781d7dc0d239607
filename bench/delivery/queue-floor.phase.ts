/** Phase "floor": BullMQ + the same POST, nothing else. */
import { KEEP_COMPLETED, KEEP_FAILED } from '@gw/delivery';
import { Job, Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { Agent } from 'undici';
import { now, round } from '../support/bench.util';
import type { Ctx } from './bench-context';
import { CONCURRENCY, REDIS_URL } from './delivery-options';
import { rawBodies, signedPost } from './raw.phase';

/**
 * What one BullMQ job per delivery costs by itself on this machine: the raw loop's POSTs, each
 * carried by a job (same body in its data, same retention, attempts and concurrency as the real
 * worker), with no routing, numbering, outbox or attempt log. No pipeline built on one job per
 * delivery can beat this; floor / raw is the best ratio such a design can reach here.
 */
export async function runQueueFloor(ctx: Ctx, phase: string, count: number) {
  const bodies = rawBodies(ctx, phase, count);
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
  const connection = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
  const name = `bench-floor-${phase}`;
  const queue = new Queue(name, { connection, prefix: ctx.config.redis.prefix });
  let errors = 0;
  const worker = new Worker(name, async (job: Job<(typeof bodies)[number]>) => void ((await signedPost(ctx, agent, job.data)) || errors++), {
    connection: connection.duplicate(),
    prefix: ctx.config.redis.prefix,
    concurrency: CONCURRENCY,
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  });
  const start = now();
  for (let i = 0; i < count; i += 500) {
    await queue.addBulk(bodies.slice(i, i + 500).map((data) => ({ name: 'delivery', data, opts: { jobId: data.id, attempts: 8, stackTraceLimit: 0 } })));
  }
  const s = await ctx.receiver.waitFor(phase, count);
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  connection.disconnect();
  await agent.close();
  const seconds = (s.lastReceipt - start) / 1000;
  return { events: count, seconds: round(seconds, 3), deliveriesPerSec: Math.round(count / seconds), errors };
}
