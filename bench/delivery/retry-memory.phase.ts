/** Phase "memory": Redis memory per pending retry (deliveries answered 500 sit as delayed jobs). */
import { AttemptLogWriter } from '@gw/delivery';
import { buildEnvelope } from '@gw/events';
import type IORedis from 'ioredis';
import { type Ctx, drained, event } from './bench-context';
import { WORKER_PROCESS, sleep } from './delivery-options';

async function usedMemory(redis: IORedis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)![1]);
}

export async function runRetryMemory(ctx: Ctx, phase: string, count: number) {
  const bull = ctx.producer.bullQueue;
  const qkey = (k: string) => `${ctx.config.redis.prefix}:${bull.name}:${k}`;
  const memUsage = async (key: string) => Number((await ctx.redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
  await drained(ctx);
  await sleep(1000);
  const streamBefore = { len: await ctx.redis.xlen(qkey('events')), bytes: await memUsage(qkey('events')) };
  const before = await usedMemory(ctx.redis);

  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        await ctx.sink.publish(event(ctx, phase, i));
      }
    }),
  );
  await ctx.receiver.waitFor(phase, count, 'attempts');
  for (;;) {
    const c = await bull.getJobCounts('delayed', 'waiting', 'active');
    if ((c.delayed ?? 0) >= count && !c.waiting && !c.active) break;
    await sleep(50);
  }
  if (!WORKER_PROCESS) await ctx.app.get(AttemptLogWriter).flush();
  await sleep(1000);
  const after = await usedMemory(ctx.redis);
  const streamAfter = { len: await ctx.redis.xlen(qkey('events')), bytes: await memUsage(qkey('events')) };

  // Per-key breakdown on a sample of the delayed jobs.
  const sample = await bull.getDelayed(0, 49);
  const hashBytes: number[] = [];
  const fields: Record<string, number[]> = {};
  let dataBytes = 0;
  let jobsKeepingBody = 0;
  for (const job of sample) {
    hashBytes.push(await memUsage(qkey(job.id!)));
    const h = await ctx.redis.hgetall(qkey(job.id!));
    for (const [k, v] of Object.entries(h)) (fields[k] ??= []).push(Buffer.byteLength(k) + Buffer.byteLength(v));
    dataBytes += Buffer.byteLength(h.data ?? '');
    if ('body' in job.data && job.data.body) jobsKeepingBody += 1; // pending retries are single deliveries, never batches
  }
  // The body as published (the envelope the router builds), whether or not the job still holds it.
  const bodyBytes = Buffer.byteLength(
    JSON.stringify({ ...buildEnvelope(event(ctx, phase, count), ctx.hookUrl, ctx.config.server.url, null), sequence: 100000 }),
  );
  const keepsBody = jobsKeepingBody > sample.length / 2;
  const avg = (xs: number[]) => Math.round(xs.reduce((s, x) => s + x, 0) / (xs.length || 1));
  const fieldBytes = Object.fromEntries(Object.entries(fields).map(([k, xs]) => [k, avg(xs)]));
  const delayedZsetBytes = await memUsage(qkey('delayed'));
  // The events stream is capped (~10k entries, ~1 MB per queue whatever is pending): a fixed cost,
  // left out of the per-retry figure (and reported) so the result does not depend on what ran before.
  const streamDelta = streamAfter.bytes - streamBefore.bytes;
  const perRetry = (after - before - streamDelta) / count;
  const stack = await ctx.redis.hget(qkey(sample[0].id!), 'stacktrace');
  return {
    pendingRetries: count,
    usedMemoryBefore: before,
    usedMemoryAfter: after,
    /** (used_memory delta - events stream delta) / pending retries. */
    bytesPerPendingRetry: Math.round(perRetry),
    rawDeltaPerPendingRetry: Math.round((after - before) / count),
    bodyBytes,
    /** Whether a pending retry's job still carries the body (else it is read from Postgres on retry). */
    jobKeepsBody: keepsBody,
    /** job.data (DeliveryJob JSON: the body, JSON-escaped, plus url, ids, headers…). */
    jobDataBytes: Math.round(dataBytes / sample.length),
    /** Per pending retry beyond the body itself (all of it when the job does not hold the body). */
    overheadBytes: Math.round(perRetry - (keepsBody ? bodyBytes : 0)),
    jobHashMemoryUsage: avg(hashBytes),
    jobHashFieldBytes: fieldBytes,
    delayedZsetBytesPerJob: Math.round(delayedZsetBytes / count),
    eventsStream: { before: streamBefore, after: streamAfter },
    stacktraceSample: stack ? String(stack).slice(0, 300) : null,
  };
}
