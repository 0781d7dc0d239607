/**
 * bench/delivery: webhook delivery through the real pipeline, against a raw signed-POST loop to
 * the same receiver in the same run.
 *
 *   npm run build && node dist/bench/delivery/delivery.bench.js [options]
 *
 *   --events N            events per throughput run (default 10000)
 *   --publishers 1,16     throughput runs: how many callers publish concurrently. 1 is how one
 *                         instance publishes (InstanceRuntime chains its events one after another);
 *                         16 stands for many instances publishing at once (default 1,16)
 *   --concurrency C       DELIVERY_CONCURRENCY, also the raw loop's concurrency (default 50)
 *   --rate R --seconds S  latency run: R events/s for S seconds (default 500 for 10)
 *   --latency-publish parallel,chain   how the latency run publishes (default both, one run each):
 *                         parallel = each event published on its own at its time (the rate is
 *                         the sum of many instances); chain = all events through one serial
 *                         chain, as one InstanceRuntime publishes its events
 *   --retry-jobs M        Redis memory per pending retry: M deliveries answered 500 (default 2000)
 *   --phases raw,floor,pipeline,fanout,latency,memory   run only some phases (e.g. under --cpu-prof)
 *   --warmup N            raw and pipeline deliveries before measuring (default 1000)
 *   --diag                also time the stages inside the process (publish, attempt-log writes and
 *                         their batch sizes, worker job, HTTP POST), by wrapping their methods
 *   --worker-process      run the delivery worker as `node dist/apps/worker/src/main.js`
 *                         instead of inside the publishing process
 *
 * What is measured, on one machine, all processes sharing its cores:
 *  - raw: the same N bodies signed with standardWebhookHeaders and POSTed with undici
 *    (keep-alive Agent, C loops) as fast as possible; deliveries/s = N / (first send -> last receipt).
 *  - pipeline: N events through EventSink.publish (route, sequence, attempt-log insert, BullMQ
 *    add) -> worker (signing, undici POST, attempt-log group commit) -> receiver; deliveries/s =
 *    N / (first publish -> last receipt); ratio = pipeline / raw.
 *  - fanout: the pipeline run again (same N, same publishers) on an instance with three webhooks
 *    that all have filters: two take every event (one with fromMe/chat-type/message-type/JID
 *    filters that pass), one takes group chats only (none of these events): 2 deliveries per
 *    event, 1 filtered out. Compared per delivery with the one-webhook run of the same publishers.
 *  - latency: events published at a fixed rate (open loop: each event is due at its scheduled
 *    time whatever happened before); event->delivery = scheduled time -> receipt, and
 *    enqueued->delivery = publish() resolved (job in Redis) -> receipt. Same clock (epoch ms from
 *    performance.timeOrigin + performance.now()) in both processes.
 *  - Redis memory per pending retry: M deliveries answered 500 sit as delayed jobs (retry
 *    schedule starts at 600 s); (delta of INFO used_memory - delta of the capped BullMQ events
 *    stream) / M, with a per-key breakdown (job hash fields, delayed zset).
 * The receiver is a separate process (receiver.ts). Everything runs on a dedicated REDIS_PREFIX
 * and a fresh database, both removed at the end.
 */
import 'reflect-metadata';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, ConfigModule, loadConfig } from '@gw/config';
import {
  AttemptLogWriter,
  DeliveryModule,
  DeliveryProcessor,
  DeliveryProducer,
  KEEP_COMPLETED,
  KEEP_FAILED,
  SigningConfigCache,
  WebhookAttempts,
  WebhookRouter,
  standardWebhookHeaders,
} from '@gw/delivery';
import { EVENT_SINK, EventSink, GatewayEvent, buildEnvelope } from '@gw/events';
import { DeliveryLogRepository, PersistenceModule, PrismaService } from '@gw/persistence';
import { TestDatabase } from '@gw/testing';
import { Job, Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import type { ReceiverCommand, ReceiverDump, ReceiverStats } from './receiver';
import { Dist, arg, dist, flag, now, procCpuMs, round, saveResults } from '../support/bench.util';
import { ForkedReceiver } from '../support/forked-receiver';

// ---------------------------------------------------------------------------------------------
// arguments and small helpers

const EVENTS = Number(arg('events', '10000'));
const PUBLISHERS = arg('publishers', '1,16').split(',').map(Number);
const CONCURRENCY = Number(arg('concurrency', process.env.DELIVERY_CONCURRENCY ?? '50'));
const RATE = Number(arg('rate', '500'));
const SECONDS = Number(arg('seconds', '10'));
const LATENCY_MODES = arg('latency-publish', 'parallel,chain').split(',') as ('chain' | 'parallel')[];
const RETRY_JOBS = Number(arg('retry-jobs', '2000'));
const WORKER_PROCESS = flag('worker-process');
const WARMUP = Number(arg('warmup', '1000'));
/** Which phases to run (for profiling one of them): raw, pipeline, latency, memory. */
/** Time the pipeline's stages by wrapping its methods (in-process worker only): where a delivery waits. */
const DIAG = flag('diag');
const PHASES = new Set(arg('phases', 'raw,floor,pipeline,fanout,latency,memory').split(','));
/** fanout phase: deliveries per event (two of its three webhooks take each event). */
const FANOUT_DELIVERIES = 2;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The built worker app, next to this file in the build output (dist/bench/delivery -> dist/apps/worker). */
const WORKER_MAIN = join(__dirname, '../../apps/worker/src/main.js');
/** Long enough that failed deliveries stay delayed in Redis while we measure; 8 attempts like the default. */
const RETRY_SCHEDULE = '600,1800,7200,18000,36000,36000,36000';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Busy CPU ms of the whole machine (all cores), from /proc/stat. */
function machineBusyMs(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = cpu;
  return ((user + nice + system + irq + softirq + steal) * 1000) / 100;
}
/** Parent pid of a process, from /proc. */
function ppidOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}
/** The postmaster and all its children (backends, WAL writer, checkpointer…) of one cluster. */
function clusterPids(postmaster: number): number[] {
  const out = [postmaster];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (ppidOf(Number(d)) === postmaster) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// the receiver process

class ReceiverProcess extends ForkedReceiver<ReceiverCommand> {
  constructor() {
    super(join(__dirname, 'receiver.js'));
  }

  /** The receiver's clock minus ours, measured when it started. */
  get clockSkewMs(): number {
    return this.readyMessage.clockSkewMs as number;
  }

  stats() {
    return this.call<ReceiverStats>({ cmd: 'stats' });
  }

  /** Resolves once `count` distinct deliveries of `phase` were answered 2xx (or attempted, with `attempts`). */
  async waitFor(phase: string, count: number, what: 'unique' | 'attempts' = 'unique', stallMs = 60_000) {
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const s = (await this.stats()).phases[phase];
      const got = s ? s[what] : 0;
      if (got >= count) return s!;
      if (got !== last) {
        last = got;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > stallMs) {
        throw new Error(`receiver: ${phase} stuck at ${got}/${count} ${what}`);
      }
      await sleep(50);
    }
  }

}

// ---------------------------------------------------------------------------------------------
// event bodies: a ~1 KB messages.upsert (extended text with a quoted reply, flattened the way
// Evolution does), tagged with the bench phase and event number.

const TEXT =
  'Olá! Segue o resumo do pedido #48213: 2x camiseta básica (M, azul-marinho), 1x calça jeans slim 42, ' +
  'frete expresso para São Paulo/SP. Total R$ 389,70 no Pix. Pode confirmar o endereço de entrega?';

function messageData(phase: string, n: number, instanceId: string) {
  const id = `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
  return {
    bench: { ph: phase, n },
    key: { remoteJid: '5511987654321@s.whatsapp.net', fromMe: false, id, remoteJidAlt: '181818181818181@lid' },
    pushName: 'Mariana Souza',
    status: 'DELIVERY_ACK',
    message: {
      conversation: TEXT,
      messageContextInfo: { deviceListMetadata: { senderKeyHash: 'tWk5XvQdbqYz1g==', senderTimestamp: '1763690000' }, deviceListMetadataVersion: 2 },
    },
    contextInfo: {
      stanzaId: '3EB0C431B0A7D1F2E9A4',
      participant: '5511912345678@s.whatsapp.net',
      quotedMessage: { conversation: 'Oi Mariana, seu carrinho ainda está reservado. Quer finalizar?' },
    },
    messageType: 'conversation',
    messageTimestamp: 1763700000 + n,
    instanceId,
    source: 'android',
    senderPn: '5511987654321@s.whatsapp.net',
  };
}

// ---------------------------------------------------------------------------------------------

interface Ctx {
  app: INestApplicationContext;
  config: AppConfig;
  sink: EventSink;
  producer: DeliveryProducer;
  receiver: ReceiverProcess;
  redis: IORedis;
  instanceId: string;
  instanceName: string;
  hookUrl: string;
  secret: string;
  workerPid?: number;
  /** Postgres postmaster serving our database (parent of our backend), for CPU accounting. */
  postmasterPid?: number;
}

function event(ctx: Ctx, phase: string, n: number): GatewayEvent {
  return {
    name: 'MESSAGES_UPSERT',
    instanceId: ctx.instanceId,
    instanceName: ctx.instanceName,
    data: messageData(phase, n, ctx.instanceId),
    sender: '5511955554444@s.whatsapp.net',
    occurredAt: new Date(),
  };
}

/** Cores' worth of CPU other processes used during each measured phase, when notable. */
const interference: number[] = [];

/** CPU ms spent by each process of the run during `fn` (and by the rest of the machine: "other"). */
async function withCpu<T>(
  ctx: Ctx,
  fn: () => Promise<T>,
): Promise<{ result: T; cpuMs: Record<string, number>; wallMs: number; otherCores: number }> {
  const redisCpu = async () => {
    const info = await ctx.redis.info('cpu');
    const v = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return (v('used_cpu_user') + v('used_cpu_sys')) * 1000;
  };
  // Only the cluster holding our database (another one on the machine counts as "other").
  // Per process, so backends that come and go (pool churn) do not distort the sum: a process seen
  // only at the end counts whole (it started during the phase), one gone by then drops out.
  const pg = () => new Map(ctx.postmasterPid ? clusterPids(ctx.postmasterPid).map((p) => [p, procCpuMs(p)]) : []);
  const main0 = process.cpuUsage();
  const [rcv0, redis0, pg0, worker0] = [(await ctx.receiver.stats()).cpuMs, await redisCpu(), pg(), ctx.workerPid ? procCpuMs(ctx.workerPid) : 0];
  const machine0 = machineBusyMs();
  const t0 = now();
  const result = await fn();
  const machine = machineBusyMs() - machine0;
  const wallMs = now() - t0;
  const main = process.cpuUsage(main0);
  const cpuMs: Record<string, number> = {
    bench: Math.round((main.user + main.system) / 1000),
    receiver: Math.round((await ctx.receiver.stats()).cpuMs - rcv0),
    redis: Math.round((await redisCpu()) - redis0),
    postgres: Math.round([...pg()].reduce((s, [pid, ms]) => s + ms - (pg0.get(pid) ?? 0), 0)),
  };
  if (ctx.workerPid) cpuMs.worker = Math.round(procCpuMs(ctx.workerPid) - worker0);
  // Whatever else ran on the machine meanwhile (other jobs competing for the same cores).
  cpuMs.other = Math.max(0, Math.round(machine - Object.values(cpuMs).reduce((s, v) => s + v, 0)));
  const otherCores = round(cpuMs.other / wallMs);
  if (otherCores > 0.15) interference.push(otherCores);
  return { result, cpuMs, wallMs, otherCores };
}

/** CPU ms per delivery of each process of the run ("other" = the rest of the machine, left out). */
function perDelivery(cpuMs: Record<string, number>, count: number) {
  return Object.fromEntries(Object.entries(cpuMs).filter(([k]) => k !== 'other').map(([k, v]) => [k, round(v / count, 3)]));
}

/** Waits until the queue holds nothing to run (waiting/active/prioritized) and the attempt log is written. */
async function drained(ctx: Ctx, allowDelayed = false) {
  for (;;) {
    const c = await ctx.producer.bullQueue.getJobCounts('waiting', 'active', 'prioritized', 'delayed', 'waiting-children');
    const busy = (c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0) + (allowDelayed ? 0 : c.delayed ?? 0);
    if (busy === 0) break;
    await sleep(50);
  }
  if (!WORKER_PROCESS) await ctx.app.get(AttemptLogWriter).flush();
}

// ---- raw: the same signing code and HTTP client, no queue ------------------------------------

/** The bodies the router would build (envelope + sequence), serialised up front. */
function rawBodies(ctx: Ctx, phase: string, count: number) {
  return Array.from({ length: count }, (_, n) => {
    const envelope = { ...buildEnvelope(event(ctx, phase, n), ctx.hookUrl, ctx.config.server.url, null), sequence: n + 1 };
    return { id: `msg_${randomUUID().replace(/-/g, '')}`, body: JSON.stringify(envelope), sequence: n + 1 };
  });
}

/** One signed POST, as the worker sends it. */
async function signedPost(ctx: Ctx, agent: Agent, { id, body, sequence }: { id: string; body: string; sequence: number }): Promise<boolean> {
  const signed = standardWebhookHeaders({ id, timestamp: Math.floor(Date.now() / 1000), body, secrets: [ctx.secret] });
  const res = await request(ctx.hookUrl, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'user-agent': 'wa-gateway-webhooks/1', 'webhook-sequence': String(sequence), ...signed },
    dispatcher: agent,
    headersTimeout: ctx.config.delivery.requestTimeoutMs,
    bodyTimeout: ctx.config.delivery.requestTimeoutMs,
  });
  await res.body.text();
  return res.statusCode === 200;
}

async function runRaw(ctx: Ctx, phase: string, count: number) {
  const bodies = rawBodies(ctx, phase, count);
  // As WebhookHttpSender's default dispatcher.
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
  let next = 0;
  let errors = 0;
  const start = now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        if (!(await signedPost(ctx, agent, bodies[i]))) errors += 1;
      }
    }),
  );
  const s = await ctx.receiver.waitFor(phase, count);
  await agent.close();
  const seconds = (s.lastReceipt - start) / 1000;
  return { events: count, seconds: round(seconds, 3), deliveriesPerSec: Math.round(count / seconds), errors, bodyBytes: Buffer.byteLength(bodies[0].body) };
}

// ---- queue floor: BullMQ + the same POST, nothing else --------------------------------------

/**
 * What one BullMQ job per delivery costs by itself on this machine: the raw loop's POSTs, each
 * carried by a job (same body in its data, same retention, attempts and concurrency as the real
 * worker), with no routing, numbering, outbox or attempt log. No pipeline built on one job per
 * delivery can beat this; floor / raw is the best ratio such a design can reach here.
 */
async function runQueueFloor(ctx: Ctx, phase: string, count: number) {
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

// ---- pipeline throughput ------------------------------------------------------------------------

/**
 * How one instance publishes (InstanceRuntime): events queued while a batch is being written go
 * out together as the next batch (`publishMany`); each caller resolves when its batch is written.
 */
function instancePublisher(sink: EventSink): (e: GatewayEvent) => Promise<void> {
  let pending: { event: GatewayEvent; done: () => void }[] = [];
  let active = false;
  const loop = async () => {
    while (pending.length) {
      const batch = pending;
      pending = [];
      if (sink.publishMany) await sink.publishMany(batch.map((b) => b.event));
      else for (const b of batch) await sink.publish(b.event);
      for (const b of batch) b.done();
    }
    active = false;
  };
  return (event) =>
    new Promise<void>((done) => {
      pending.push({ event, done });
      if (!active) {
        active = true;
        void Promise.resolve().then(loop);
      }
    });
}

async function runPipeline(ctx: Ctx, phase: string, count: number, publishers: number, deliveriesPerEvent = 1) {
  let next = 0;
  const start = now();
  if (publishers === 1) {
    // One instance: its events are produced as they come and batched as InstanceRuntime does (at most 500 unwritten).
    const publish = instancePublisher(ctx.sink);
    const inflight = new Set<Promise<void>>();
    for (let i = 0; i < count; i++) {
      const p = publish(event(ctx, phase, i)).finally(() => inflight.delete(p));
      inflight.add(p);
      if (inflight.size >= 500) await Promise.race(inflight);
    }
    await Promise.all(inflight);
  } else {
    await Promise.all(
      Array.from({ length: publishers }, async () => {
        for (;;) {
          const i = next++;
          if (i >= count) return;
          await ctx.sink.publish(event(ctx, phase, i));
        }
      }),
    );
  }
  const publishedAt = now();
  const deliveries = count * deliveriesPerEvent;
  const s = await ctx.receiver.waitFor(phase, deliveries);
  await drained(ctx);
  const seconds = (s.lastReceipt - start) / 1000;
  return {
    publishers,
    events: count,
    deliveries,
    seconds: round(seconds, 3),
    eventsPerSec: Math.round(count / seconds),
    deliveriesPerSec: Math.round(deliveries / seconds),
    /** How fast publish() took events in (route + sequence + attempt-log insert + queue add). */
    publishPerSec: Math.round(count / ((publishedAt - start) / 1000)),
    duplicates: s.attempts - s.unique,
  };
}

// ---- latency at a fixed rate ------------------------------------------------------------------

async function runLatency(ctx: Ctx, phase: string, rate: number, seconds: number, mode: 'chain' | 'parallel') {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const scheduled = new Float64Array(total);
  const resolved = new Float64Array(total);
  const publishMs: number[] = [];
  const inflight = new Set<Promise<void>>();
  const instance = instancePublisher(ctx.sink);
  const publishOne = async (n: number) => {
    const called = now();
    await (mode === 'chain' ? instance : (e: GatewayEvent) => ctx.sink.publish(e))(event(ctx, phase, n));
    resolved[n] = now();
    publishMs.push(resolved[n] - called);
  };
  const start = now() + 20;
  let i = 0;
  let maxLagMs = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const t = now();
      while (i < total && start + i * interval <= t) {
        const n = i++;
        scheduled[n] = start + n * interval;
        maxLagMs = Math.max(maxLagMs, t - scheduled[n]);
        const p = publishOne(n).finally(() => inflight.delete(p));
        inflight.add(p);
      }
      if (i >= total) return resolve();
      setTimeout(tick, Math.max(0, start + i * interval - now() - 0.5));
    };
    tick();
  });
  const lastScheduled = now();
  await Promise.all(inflight);
  await ctx.receiver.waitFor(phase, total);
  await drained(ctx);
  const { receivedAt } = await ctx.receiver.call<ReceiverDump>({ cmd: 'dump', phase });
  const e2d: number[] = [];
  const q2d: number[] = [];
  for (let n = 0; n < total; n++) {
    const at = receivedAt[n];
    if (at == null) continue;
    e2d.push(at - scheduled[n]);
    q2d.push(at - resolved[n]);
  }
  return {
    rate,
    seconds,
    events: total,
    publish: mode,
    achievedRate: Math.round(total / ((lastScheduled - start) / 1000)),
    schedulerMaxLagMs: round(maxLagMs),
    /** scheduled publish time -> receipt at the receiver (includes publish()). */
    eventToDeliveryMs: dist(e2d),
    /** publish() resolved, i.e. job in Redis -> receipt. */
    enqueuedToDeliveryMs: dist(q2d),
    publishCallMs: dist(publishMs),
  };
}

// ---- Redis memory per pending retry -----------------------------------------------------------

async function usedMemory(redis: IORedis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)![1]);
}

async function runRetryMemory(ctx: Ctx, phase: string, count: number) {
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

// ---- --diag: stage timings ----------------------------------------------------------------------

type Timings = Record<string, number[]>;

/** Wraps `obj[method]` (async) so each call's duration (and optionally a size) is recorded. */
function timeMethod(timings: Timings, name: string, obj: object, method: string, size?: (args: unknown[]) => number) {
  const target = obj as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const original = target[method].bind(obj);
  target[method] = async (...args: unknown[]) => {
    const t = now();
    try {
      return await original(...args);
    } finally {
      (timings[name] ??= []).push(now() - t);
      if (size) (timings[`${name}.size`] ??= []).push(size(args));
    }
  };
}

function installDiag(app: INestApplicationContext): Timings {
  const timings: Timings = {};
  const repo = app.get(DeliveryLogRepository);
  timeMethod(timings, 'attemptLog.insertDeliveries (publish)', repo, 'insertDeliveries', (a) => (a[0] as unknown[]).length);
  timeMethod(timings, 'attemptLog.recordAttempts (group commit)', repo, 'recordAttempts', (a) => (a[0] as unknown[]).length);
  timeMethod(timings, 'router.publish', app.get(WebhookRouter), 'publish');
  timeMethod(timings, 'producer.enqueue', app.get(DeliveryProducer), 'enqueue');
  const processor = app.get(DeliveryProcessor);
  timeMethod(timings, 'worker job (process)', processor, 'process');
  timeMethod(timings, 'http POST (sender.post)', app.get(WebhookAttempts).sender, 'post');
  timeMethod(timings, 'job waits for attempt-log flush', app.get(AttemptLogWriter), 'flush');
  timeMethod(timings, 'signing config (cached)', app.get(SigningConfigCache), 'get');
  // Every SQL statement the process sends, by its first words (what Prisma turns each call into).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require('pg') as { Client: { prototype: { query: (...a: unknown[]) => unknown } } };
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = typeof first === 'string' ? first : first?.text ?? '?';
    sqlCounts.set(text.replace(/\s+/g, ' ').slice(0, 70), (sqlCounts.get(text.replace(/\s+/g, ' ').slice(0, 70)) ?? 0) + 1);
    return query.apply(this, args);
  };
  return timings;
}
const sqlCounts = new Map<string, number>();

function summariseDiag(timings: Timings) {
  const out: Record<string, Dist & { totalMs: number }> = {};
  for (const [k, xs] of Object.entries(timings)) out[k] = { ...dist(xs), totalMs: Math.round(xs.reduce((s, x) => s + x, 0)) };
  for (const xs of Object.values(timings)) xs.length = 0;
  const sql = Object.fromEntries([...sqlCounts].sort((a, b) => b[1] - a[1]).slice(0, 12));
  sqlCounts.clear();
  return { ...out, sqlStatements: sql };
}

// ---------------------------------------------------------------------------------------------

async function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} not found: run "npm run build" first`);
  const child = spawn(process.execPath, [WORKER_MAIN], { env: { ...process.env, ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer) => {
      const text = c.toString();
      tail.push(text);
      if (tail.length > 20) tail.shift();
      if (text.includes('delivery worker started')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${tail.join('')}`)));
  });
  return child;
}

async function scanDelete(redis: IORedis, prefix: string) {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

async function main() {
  const prefix = `gwbench_${randomBytes(4).toString('hex')}`;
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const db = new TestDatabase();
  const receiver = new ReceiverProcess();
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
  let app: INestApplicationContext | undefined;
  let worker: ChildProcess | undefined;
  // An error event nobody handles (e.g. Postgres restarted under us) or Ctrl-C: clean up, then exit.
  const abort = (why: unknown) => {
    console.error('aborting:', why);
    const deadline = setTimeout(() => process.exit(1), 15_000);
    void cleanup().finally(() => {
      clearTimeout(deadline);
      process.exit(1);
    });
  };
  process.once('uncaughtException', abort);
  process.once('SIGINT', () => abort('SIGINT'));
  try {
    await Promise.all([db.create(), receiver.start()]);
    await receiver.call({ cmd: 'config', secret, failPhases: ['retry'], verifyEvery: 97 });
    const env: Record<string, string> = {
      AUTHENTICATION_API_KEY: 'bench-key',
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      DELIVERY_CONCURRENCY: String(CONCURRENCY),
      WEBHOOK_RETRY_SCHEDULE: RETRY_SCHEDULE,
      LOG_LEVEL: 'warn',
    };
    const config = loadConfig({ ...env, DELIVERY_WORKER_ENABLED: WORKER_PROCESS ? 'false' : 'true' });
    @Module({ imports: [ConfigModule.forRoot(config), PersistenceModule, DeliveryModule] })
    class BenchModule {}
    app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
    await app.init();
    if (WORKER_PROCESS) worker = await startWorkerProcess(env);

    const prisma = app.get(PrismaService);
    const hookUrl = `${receiver.url}/hook`;
    const instance = await prisma.instance.create({
      data: { name: 'bench', token: 'bench-token', webhooks: { create: { url: hookUrl, events: [], secret } } },
    });
    // fanout: three webhooks, all filtered; two take these events (1:1 chats, not ours), one does not
    const fanInstance = await prisma.instance.create({
      data: {
        name: 'bench-fanout',
        token: 'bench-fanout-token',
        webhooks: {
          create: [
            { url: `${receiver.url}/fan-a`, events: [], secret, filters: { excludeJids: ['5511900000000'] } },
            {
              url: `${receiver.url}/fan-b`,
              events: ['MESSAGES_UPSERT'],
              secret,
              filters: { fromMe: false, chatTypes: ['individual'], messageTypes: ['conversation', 'imageMessage'], includeJids: ['5511987654321'] },
            },
            { url: `${receiver.url}/fan-c`, events: [], secret, filters: { chatTypes: ['group'] } },
          ],
        },
      },
    });
    const ctx: Ctx = {
      app,
      config,
      sink: app.get<EventSink>(EVENT_SINK),
      producer: app.get(DeliveryProducer),
      receiver,
      redis,
      instanceId: instance.id,
      instanceName: instance.name,
      hookUrl,
      secret,
      workerPid: worker?.pid,
      // The checkpointer lives as long as the server: its parent is the postmaster.
      postmasterPid: await db
        .query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'`)
        .then(([r]) => ppidOf(r.pid))
        .catch(() => undefined), // Postgres on another host: its CPU is not ours to see
    };
    const log = (s: string) => console.error(`[bench:delivery] ${s}`);

    // Warm-up: connections, JIT, caches.
    log(`warm-up (${WARMUP} raw + ${WARMUP} pipeline)`);
    await runRaw(ctx, 'warm_raw', WARMUP);
    await runPipeline(ctx, 'warm_pipe', WARMUP, 16);
    const timings = DIAG ? installDiag(app) : undefined;
    const diag: Record<string, unknown> = {};

    let raw: Awaited<ReturnType<typeof withCpu<Awaited<ReturnType<typeof runRaw>>>>> | undefined;
    if (PHASES.has('raw')) {
      log(`raw: ${EVENTS} signed POSTs at concurrency ${CONCURRENCY}`);
      raw = await withCpu(ctx, () => runRaw(ctx, 'raw', EVENTS));
    }
    let floor: Awaited<ReturnType<typeof withCpu<Awaited<ReturnType<typeof runQueueFloor>>>>> | undefined;
    if (PHASES.has('floor')) {
      log(`queue floor: ${EVENTS} BullMQ jobs, each one signed POST`);
      floor = await withCpu(ctx, () => runQueueFloor(ctx, 'floor', EVENTS));
    }
    const pipeline = [];
    for (const p of PHASES.has('pipeline') ? PUBLISHERS : []) {
      log(`pipeline: ${EVENTS} events, ${p} publisher(s)`);
      const r = await withCpu(ctx, () => runPipeline(ctx, `pipe_p${p}`, EVENTS, p));
      if (timings) diag[`pipeline_p${p}`] = summariseDiag(timings);
      pipeline.push({
        ...r.result,
        ratioToRaw: raw ? round(r.result.deliveriesPerSec / raw.result.deliveriesPerSec) : null,
        ratioToQueueFloor: floor ? round(r.result.deliveriesPerSec / floor.result.deliveriesPerSec) : null,
        cpuMs: r.cpuMs,
        cpuMsPerDelivery: perDelivery(r.cpuMs, EVENTS),
        otherCores: r.otherCores,
      });
    }
    const fanout = [];
    for (const p of PHASES.has('fanout') ? PUBLISHERS : []) {
      log(`fanout: ${EVENTS} events to 3 filtered webhooks (${FANOUT_DELIVERIES} take each), ${p} publisher(s)`);
      const fanCtx: Ctx = { ...ctx, instanceId: fanInstance.id, instanceName: fanInstance.name };
      const r = await withCpu(ctx, () => runPipeline(fanCtx, `fan_p${p}`, EVENTS, p, FANOUT_DELIVERIES));
      const single = pipeline.find((x) => x.publishers === p);
      const cpuMsPerDelivery = perDelivery(r.cpuMs, r.result.deliveries);
      const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
      fanout.push({
        ...r.result,
        webhooks: 3,
        cpuMs: r.cpuMs,
        cpuMsPerDelivery,
        otherCores: r.otherCores,
        /** fan-out deliveries/s over one-webhook deliveries/s (1 = each extra delivery costs what a delivery costs) */
        deliveriesPerSecRatioToOneWebhook: single ? round(r.result.deliveriesPerSec / single.deliveriesPerSec) : null,
        /** our processes' CPU per delivery, fan-out over one webhook (<= 1: the fan-out adds nothing beyond its deliveries) */
        cpuPerDeliveryRatioToOneWebhook: single ? round(total(cpuMsPerDelivery) / total(single.cpuMsPerDelivery)) : null,
      });
    }
    type LatencyResult = Awaited<ReturnType<typeof runLatency>> & {
      cpuMs: Record<string, number>;
      cpuMsPerDelivery: Record<string, number>;
      otherCores: number;
    };
    const latency: LatencyResult[] = [];
    for (const mode of PHASES.has('latency') ? LATENCY_MODES : []) {
      log(`latency: ${RATE} events/s for ${SECONDS} s (${mode})`);
      const r = await withCpu(ctx, () => runLatency(ctx, `lat_${mode}`, RATE, SECONDS, mode));
      latency.push({ ...r.result, cpuMs: r.cpuMs, cpuMsPerDelivery: perDelivery(r.cpuMs, r.result.events), otherCores: r.otherCores });
      if (timings) diag[`latency_${mode}`] = summariseDiag(timings);
    }
    let retry: Awaited<ReturnType<typeof runRetryMemory>> | undefined;
    if (PHASES.has('memory')) {
      log(`Redis memory: ${RETRY_JOBS} deliveries answered 500`);
      retry = await runRetryMemory(ctx, 'retry', RETRY_JOBS);
    }
    const rstats = await receiver.stats();

    const redisInfo = await redis.info('server');
    const bestRatio = Math.max(...pipeline.map((p) => p.ratioToRaw ?? 0));
    const results = {
      date: new Date().toISOString(),
      node: process.version,
      cpu: `${cpus().length} x ${cpus()[0]?.model.trim()}`,
      memGb: round(totalmem() / 2 ** 30, 1),
      redis: /redis_version:(\S+)/.exec(redisInfo)?.[1],
      bullmq: JSON.parse(readFileSync(require.resolve('bullmq/package.json'), 'utf8')).version,
      undici: JSON.parse(readFileSync(require.resolve('undici/package.json'), 'utf8')).version,
      options: { events: EVENTS, publishers: PUBLISHERS, concurrency: CONCURRENCY, rate: RATE, seconds: SECONDS, latencyPublish: LATENCY_MODES, retryJobs: RETRY_JOBS, workerProcess: WORKER_PROCESS, phases: [...PHASES] },
      raw: raw && { ...raw.result, cpuMs: raw.cpuMs, cpuMsPerDelivery: perDelivery(raw.cpuMs, EVENTS), otherCores: raw.otherCores },
      /** Max cores' worth of CPU used by unrelated processes during a measured phase (> 0.15 only). */
      interferenceCores: interference.length ? Math.max(...interference) : 0,
      queueFloor: floor && {
        ...floor.result,
        ratioToRaw: raw ? round(floor.result.deliveriesPerSec / raw.result.deliveriesPerSec) : null,
        cpuMs: floor.cpuMs,
        cpuMsPerDelivery: perDelivery(floor.cpuMs, EVENTS),
      },
      pipeline,
      fanout,
      latency,
      redisMemory: retry,
      ...(DIAG ? { diag } : {}),
      signatures: { verified: rstats.verified, bad: rstats.badSignatures, unsigned: rstats.unsigned },
      clockSkewMs: round(receiver.clockSkewMs - (now() - Date.now()), 3),
      targets: {
        ratioAtLeast0_5: raw && pipeline.length ? bestRatio >= 0.5 : null,
        ...Object.fromEntries(
          latency.flatMap((l) => [
            [`${l.publish}: enqueuedToDelivery p99 <= 20 ms`, l.enqueuedToDeliveryMs.p99 <= 20],
            [`${l.publish}: eventToDelivery p99 <= 20 ms`, l.eventToDeliveryMs.p99 <= 20],
          ]),
        ),
        pendingRetryAtMost2KB: retry ? retry.bytesPerPendingRetry <= 2048 : null,
      },
    };
    console.log(JSON.stringify(results, null, 2));
    const rows: [string, string, string][] = [];
    if (raw) rows.push([`raw signed POST (undici, c=${CONCURRENCY})`, `${raw.result.deliveriesPerSec}/s`, '']);
    if (floor) {
      const r = raw ? ` (ratio ${round(floor.result.deliveriesPerSec / raw.result.deliveriesPerSec)} to raw)` : '';
      rows.push([`queue floor: BullMQ job + POST`, `${floor.result.deliveriesPerSec}/s${r}`, 'best a job per delivery can do']);
    }
    for (const p of pipeline) {
      rows.push([`pipeline, ${p.publishers} publisher(s)`, `${p.deliveriesPerSec}/s (publish ${p.publishPerSec}/s)`, p.ratioToRaw === null ? '' : `ratio ${p.ratioToRaw} (target >= 0.5)${p.ratioToQueueFloor === null ? '' : `, ${p.ratioToQueueFloor} of the floor`}`]);
    }
    for (const f of fanout) {
      rows.push([
        `fan-out to 3 filtered webhooks, ${f.publishers} publisher(s)`,
        `${f.deliveriesPerSec} deliveries/s, ${f.eventsPerSec} events/s`,
        f.deliveriesPerSecRatioToOneWebhook === null ? '' : `${f.deliveriesPerSecRatioToOneWebhook} of one webhook's deliveries/s; CPU per delivery x${f.cpuPerDeliveryRatioToOneWebhook}`,
      ]);
    }
    const fmt = (d: Dist) => `p50 ${d.p50} / p95 ${d.p95} / p99 ${d.p99} / max ${d.max} ms`;
    for (const l of latency) {
      rows.push([`event->delivery @${l.rate}/s (${l.publish})`, fmt(l.eventToDeliveryMs), 'target p99 <= 20 ms']);
      rows.push([`enqueued->delivery @${l.rate}/s (${l.publish})`, fmt(l.enqueuedToDeliveryMs), 'target p99 <= 20 ms']);
    }
    if (retry) {
      const parts = retry.jobKeepsBody ? `body ${retry.bodyBytes} B + overhead ${retry.overheadBytes} B` : `body ${retry.bodyBytes} B not in Redis`;
      rows.push(['Redis per pending retry', `${retry.bytesPerPendingRetry} B (${parts})`, 'target <= 2048 B']);
    }
    const w = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
    console.log('\n' + rows.map((r) => r.map((x, c) => x.padEnd(w[c])).join(' | ')).join('\n'));
    if (interference.length) {
      console.log(`\nWARNING: other processes used up to ${Math.max(...interference)} cores during a measured phase; figures are pessimistic.`);
    }
    console.log(`\nwritten to ${saveResults('delivery', results)}`);
  } finally {
    await cleanup();
  }

  /** Stops what we started and removes our Redis keys and database; also run on a crash or Ctrl-C. */
  async function cleanup() {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker!.once('exit', r));
      worker.kill('SIGTERM');
      await exited;
    }
    await app?.close().catch(() => undefined);
    await scanDelete(redis, prefix).catch((e) => console.error(`could not delete ${prefix}:* keys: ${(e as Error).message}`));
    redis.disconnect();
    await receiver.stop().catch(() => undefined);
    await db.drop().catch((e) => console.error(`could not drop ${db.name}: ${(e as Error).message}`));
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
