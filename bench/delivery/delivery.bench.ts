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
 *   --worker-cpu-prof DIR with --worker-process: a V8 CPU profile of the worker (from its first
 *                         line to the end of the run) written to DIR
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
 *
 * This file is the runner (set-up, phases in order, clean-up). Each phase is its own file
 * (raw.phase.ts, queue-floor.phase.ts, pipeline.phase.ts, latency.phase.ts, retry-memory.phase.ts);
 * options are in delivery-options.ts, CPU accounting in cpu-accounting.ts, --diag in
 * stage-timings.diag.ts, and the JSON + table in delivery-report.ts.
 */
import 'reflect-metadata';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, loadConfig } from '@gw/config';
import { DeliveryModule, DeliveryProducer } from '@gw/delivery';
import { EVENT_SINK, EventSink } from '@gw/events';
import { PersistenceModule, PrismaService } from '@gw/persistence';
import { TestDatabase } from '@gw/testing';
import IORedis from 'ioredis';
import { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { round } from '../support/bench.util';
import { analyzeAfterWarmup } from '../support/pg-activity.util';
import type { Ctx } from './bench-context';
import { createBenchInstances } from './bench-instances';
import { perDelivery, ppidOf, withCpu } from './cpu-accounting';
import {
  CONCURRENCY,
  DIAG,
  EVENTS,
  FANOUT_DELIVERIES,
  LATENCY_MODES,
  PHASES,
  PUBLISHERS,
  RATE,
  REDIS_URL,
  RETRY_JOBS,
  RETRY_SCHEDULE,
  SECONDS,
  WARMUP,
  WORKER_PROCESS,
} from './delivery-options';
import { type FanoutRow, type LatencyRow, type PhaseResults, type PipelineRow, report } from './delivery-report';
import { runLatency } from './latency.phase';
import { runPipeline } from './pipeline.phase';
import { runQueueFloor } from './queue-floor.phase';
import { runRaw } from './raw.phase';
import { ReceiverProcess } from './receiver-process';
import { runRetryMemory } from './retry-memory.phase';
import { installDiag, summariseDiag } from './stage-timings.diag';
import { startWorkerProcess, writeWorkerProfile } from './worker-process';

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

    const hookUrl = `${receiver.url}/hook`;
    const { instance, fanInstance } = await createBenchInstances(app.get(PrismaService), receiver.url, secret);
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
    await analyzeAfterWarmup(db);
    const timings = DIAG ? installDiag(app) : undefined;
    const diag: Record<string, unknown> = {};

    let raw: PhaseResults['raw'];
    if (PHASES.has('raw')) {
      log(`raw: ${EVENTS} signed POSTs at concurrency ${CONCURRENCY}`);
      raw = await withCpu(ctx, () => runRaw(ctx, 'raw', EVENTS));
    }
    let floor: PhaseResults['floor'];
    if (PHASES.has('floor')) {
      log(`queue floor: ${EVENTS} BullMQ jobs, each one signed POST`);
      floor = await withCpu(ctx, () => runQueueFloor(ctx, 'floor', EVENTS));
    }
    const pipeline: PipelineRow[] = [];
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
    const fanout: FanoutRow[] = [];
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
    const latency: LatencyRow[] = [];
    for (const mode of PHASES.has('latency') ? LATENCY_MODES : []) {
      log(`latency: ${RATE} events/s for ${SECONDS} s (${mode})`);
      const r = await withCpu(ctx, () => runLatency(ctx, `lat_${mode}`, RATE, SECONDS, mode));
      latency.push({ ...r.result, cpuMs: r.cpuMs, cpuMsPerDelivery: perDelivery(r.cpuMs, r.result.events), otherCores: r.otherCores });
      if (timings) diag[`latency_${mode}`] = summariseDiag(timings);
    }
    let retry: PhaseResults['retry'];
    if (PHASES.has('memory')) {
      log(`Redis memory: ${RETRY_JOBS} deliveries answered 500`);
      retry = await runRetryMemory(ctx, 'retry', RETRY_JOBS);
    }
    await report({ raw, floor, pipeline, fanout, latency, retry, diag }, receiver, redis);
  } finally {
    await cleanup();
  }

  /** Stops what we started and removes our Redis keys and database; also run on a crash or Ctrl-C. */
  async function cleanup() {
    if (worker && worker.exitCode === null) {
      await writeWorkerProfile(worker);
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

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
