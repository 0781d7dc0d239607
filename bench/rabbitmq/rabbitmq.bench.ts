/**
 * bench/rabbitmq: events published to RabbitMQ through the real outbox pipeline, against a raw
 * amqplib confirm-publish loop to the same broker in the same run.
 *
 *   npm run build && node dist/bench/rabbitmq/rabbitmq.bench.js [--events 10000] [--publishers 16] [--pending 5000] [--uri amqp://...]
 *
 * Without --uri a private broker is started (RabbitmqBrokerProcess: own port and data dir) and
 * removed at the end. Phases:
 *  - raw: N bodies of the same size published persistent on one confirm channel with the same
 *    topology (topic exchange, durable quorum queue), up to 1000 unconfirmed at a time;
 *    events/s = N / (first publish -> last ack); also its CPU per message (this process, Postgres, broker).
 *  - pipeline: N events through EventSink.publish from P concurrent callers (route, sequence,
 *    outbox INSERT) -> RabbitmqPublisher (outbox read, confirm publish, attempt-log write);
 *    events/s = N / (first publish -> no row pending, asked every 20 ms: every event is committed by
 *    then, so none pending = all delivered, which is checked after the clock stops); ratio = pipeline / raw.
 *  - instances: the same N events as the gateway's ingest path hands them over: I instances
 *    (--instances, default = --publishers), each publishing through its own BatchedPublisher
 *    (the publish stage of a live instance: what queues while a batch is written goes out as
 *    the next batch), fed one event per macrotask each; events/s = N / (first publish -> every
 *    row delivered; each instance's topology declared before, as the raw loop's). The pipeline
 *    phase above is the worst case (every caller waits for its own event's commit); this one is
 *    the shape real instances produce. Also: Postgres WAL bytes per event over the phase (the
 *    whole server's, so other databases' writes on a shared server inflate it), and the CPU per event
 *    of this process, of Postgres and of the broker over the phase (from /proc).
 *    --cpu-prof DIR writes a CPU profile of this process over that phase to DIR.
 *  - raw again, after those phases: both ratios also against the mean of the two raw runs.
 *  - pending cost: M events published with the broker unreachable (they wait in the outbox; the
 *    time they take is the ingest side alone, reported as ingestOnly):
 *    Postgres bytes per pending row (avg pg_column_size; table growth / M too, which page reuse
 *    after VACUUM understates) and Redis bytes per pending event (INFO used_memory delta / M).
 *  - drain: the broker reachable again, a fresh context publishes the M pending rows alone;
 *    rows/s = M / (context start -> none pending): the publisher without the ingest path.
 */
import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, loadConfig } from '@gw/config';
import { DeliveryModule } from '@gw/delivery';
import { EVENT_SINK, EventSink, GatewayEvent, PayloadOf } from '@gw/events';
import { BatchedPublisher } from '@gw/instances';
import { setImmediate as nextTick } from 'node:timers/promises';
import { PersistenceModule, PrismaService } from '@gw/persistence';
import { RabbitmqBrokerProcess, TestDatabase } from '@gw/testing';
import { connect } from 'amqplib';
import IORedis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { arg, benchMessageId, now, procCpuMs, round, saveResults } from '../support/bench.util';
import { analyzeAfterWarmup } from '../support/pg-activity.util';

const EVENTS = Number(arg('events', '10000'));
const PUBLISHERS = Number(arg('publishers', '16'));
const PENDING = Number(arg('pending', '5000'));
const INSTANCES = Number(arg('instances', String(PUBLISHERS)));
const URI = arg('uri', '');
/** --cpu-prof DIR: a V8 CPU profile of this process (the gateway here) over the instances phase. */
const CPU_PROF = arg('cpu-prof', '');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = (s: string) => console.error(`[bench:rabbitmq] ${s}`);

const TEXT = 'Oi! Seu pedido #48213 saiu para entrega e chega hoje entre 14h e 18h. Qualquer dúvida, responda esta mensagem.'.repeat(4);

function data(n: number, instanceId: string) {
  return {
    key: { remoteJid: '5511987654321@s.whatsapp.net', fromMe: false, id: benchMessageId() },
    pushName: 'Mariana Souza',
    status: 'DELIVERY_ACK',
    message: { conversation: TEXT },
    messageType: 'conversation',
    messageTimestamp: 1763700000 + n,
    instanceId,
    source: 'android',
  };
}

/**
 * CPU ms so far of this process, of the broker (beam.smp) and of Postgres (every postgres
 * process: other databases on a shared server count too), from /proc; backends that exited
 * in between are missed (the bench's pool keeps its connections).
 */
function cpuSplit(): Record<'bench' | 'postgres' | 'broker', number> {
  const out = { bench: procCpuMs(process.pid), postgres: 0, broker: 0 };
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let comm: string;
    try {
      comm = readFileSync(`/proc/${d}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (comm === 'postgres') out.postgres += procCpuMs(Number(d));
    else if (comm === 'beam.smp') out.broker += procCpuMs(Number(d));
  }
  return out;
}

async function rawLoop(uri: string, bodies: Buffer[]): Promise<number> {
  const conn = await connect(uri);
  const ch = await conn.createConfirmChannel();
  await ch.assertExchange('raw_bench', 'topic', { durable: true, autoDelete: false });
  await ch.assertQueue('raw_bench.messages.upsert', { durable: true, autoDelete: false, arguments: { 'x-queue-type': 'quorum' } });
  await ch.bindQueue('raw_bench.messages.upsert', 'raw_bench', 'messages.upsert');
  const window = 1000;
  const t0 = now();
  for (let i = 0; i < bodies.length; i += window) {
    const acks = bodies.slice(i, i + window).map(
      (body, j) =>
        new Promise<void>((resolve, reject) =>
          ch.publish('raw_bench', 'messages.upsert', body, { persistent: true, messageId: `raw_${i + j}`, contentType: 'application/json' }, (err: unknown) =>
            err ? reject(err) : resolve(),
          ),
        ),
    );
    await Promise.all(acks);
  }
  const ms = now() - t0;
  await ch.deleteQueue('raw_bench.messages.upsert');
  await conn.close();
  return ms;
}

async function main() {
  const broker = URI ? undefined : await new RabbitmqBrokerProcess().start();
  const uri = URI || broker!.uri;
  const db = new TestDatabase();
  await db.create();
  const prefix = `benchrmq_${randomBytes(3).toString('hex')}`;
  const redis = new IORedis(REDIS_URL);
  const results: Record<string, unknown> = { events: EVENTS, publishers: PUBLISHERS, pending: PENDING };
  const apps: { close(): Promise<void> }[] = [];
  const boot = async (rabbitUri: string) => {
    const config = loadConfig({
      DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: prefix, AUTHENTICATION_API_KEY: 'bench', LOG_LEVEL: 'warn',
      RABBITMQ_ENABLED: 'true', RABBITMQ_URI: rabbitUri, DELIVERY_WORKER_ENABLED: 'true',
    });
    @Module({ imports: [ConfigModule.forRoot(config), PersistenceModule, DeliveryModule] })
    class BenchModule {}
    const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error'] });
    await app.init();
    apps.push(app);
    return app;
  };
  try {
    const app = await boot(uri);
    const prisma = app.get(PrismaService);
    const sink = app.get<EventSink>(EVENT_SINK);
    const instance = await prisma.instance.create({ data: { name: 'bench', token: 'bench-token' } });
    await prisma.instanceRabbitmq.create({ data: { instanceId: instance.id, enabled: true, events: ['MESSAGES_UPSERT'] } });
    const event = (n: number): GatewayEvent => ({
      name: 'MESSAGES_UPSERT', instanceId: instance.id, instanceName: instance.name, data: data(n, instance.id), sender: '5511955554444@s.whatsapp.net', occurredAt: new Date(),
    });
    const delivered = async () => Number((await prisma.pool.query(`SELECT count(*) AS n FROM "WebhookDelivery" WHERE status = 'delivered'`)).rows[0].n);
    // The clock stops when no row is pending (every event is committed by then, and a RabbitMQ row is
    // pending or delivered), asked with LIMIT 1: counting the delivered rows every 20 ms cost Postgres a
    // scan of every row delivered so far, and counting the pending ones walked every index entry still
    // marked pending (6.6 ms a poll, pg_stat_statements), both charged to Postgres's CPU per event.
    const anyPending = async () => (await prisma.pool.query(`SELECT 1 FROM "WebhookDelivery" WHERE status = 'pending' LIMIT 1`)).rowCount! > 0;
    const waitNonePending = async () => {
      while (await anyPending()) await new Promise((r) => setTimeout(r, 20));
    };
    const total = async () => Number((await prisma.pool.query(`SELECT count(*) AS n FROM "WebhookDelivery"`)).rows[0].n);
    // WAL written by the whole server meanwhile (other databases on a shared server count too).
    const walLsn = async () => String((await prisma.pool.query(`SELECT pg_current_wal_lsn() AS l`)).rows[0].l);
    const walBytesSince = async (lsn: string) => Number((await prisma.pool.query(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1) AS d`, [lsn])).rows[0].d);
    const runPipeline = async (count: number) => {
      const base = await delivered();
      let next = 0;
      const t0 = now();
      await Promise.all(Array.from({ length: PUBLISHERS }, async () => {
        while (next < count) await sink.publish(event(next++));
      }));
      const publishedMs = now() - t0;
      await waitNonePending();
      const totalMs = now() - t0;
      if ((await delivered()) - base !== count) throw new Error(`pipeline: ${(await delivered()) - base} of ${count} delivered`);
      return { totalMs, publishedMs };
    };

    log('warm-up');
    await runPipeline(500);
    const sample = JSON.stringify({ event: 'messages.upsert', instance: 'bench', data: data(0, instance.id), date_time: new Date().toISOString(), sender: '5511955554444@s.whatsapp.net', server_url: 'http://localhost:8080', apikey: null, sequence: 1 });
    await rawLoop(uri, Array.from({ length: 500 }, () => Buffer.from(sample)));
    await analyzeAfterWarmup(db);

    log(`raw amqplib confirm loop: ${EVENTS} messages of ${sample.length} B`);
    // The raw loop's CPU per message too: the broker's share is what any publisher pays.
    const rawCpu0 = cpuSplit();
    const rawMs = await rawLoop(uri, Array.from({ length: EVENTS }, () => Buffer.from(sample)));
    const rawCpu1 = cpuSplit();
    const raw = EVENTS / (rawMs / 1000);
    log(`pipeline: ${EVENTS} events from ${PUBLISHERS} publishers`);
    const p = await runPipeline(EVENTS);
    const pipeline = EVENTS / (p.totalMs / 1000);
    const rawCpuPerEvent = Object.fromEntries((['bench', 'postgres', 'broker'] as const).map((k) => [k, round(((rawCpu1[k] - rawCpu0[k]) * 1000) / EVENTS)]));
    results.throughput = { rawPerSec: round(raw), rawCpuMicrosPerEvent: rawCpuPerEvent, pipelinePerSec: round(pipeline), ratio: round(pipeline / raw, 3), pipelinePublishMs: round(p.publishedMs), bodyBytes: sample.length };
    log(`raw ${round(raw)}/s (CPU µs/message ${JSON.stringify(rawCpuPerEvent)}), pipeline ${round(pipeline)}/s, ratio ${round(pipeline / raw, 3)}`);

    log(`instances: ${EVENTS} events from ${INSTANCES} instances' batched publishers`);
    const benchInstances = await Promise.all(Array.from({ length: INSTANCES }, async (_, i) => {
      const row = await prisma.instance.create({ data: { name: `bench-${i}`, token: `bench-token-${i}` } });
      await prisma.instanceRabbitmq.create({ data: { instanceId: row.id, enabled: true, events: ['MESSAGES_UPSERT'] } });
      const origin = { instanceId: row.id, instanceName: row.name, sender: '5511955554444@s.whatsapp.net' };
      return { row, publisher: new BatchedPublisher(sink, () => origin, new Logger('bench')) };
    }));
    // Each instance's exchange and queue are declared before the clock starts, as the raw loop's are.
    await Promise.all(benchInstances.map(({ row, publisher }) => (publisher.publish('MESSAGES_UPSERT', data(0, row.id) as unknown as PayloadOf<'MESSAGES_UPSERT'>), publisher.drained())));
    while ((await delivered()) < (await total())) await new Promise((r) => setTimeout(r, 20));
    const base = await delivered();
    const wal0 = await walLsn();
    const perInstance = Math.ceil(EVENTS / INSTANCES);
    const profiler = CPU_PROF ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const cpu0 = cpuSplit();
    const ti = now();
    await Promise.all(benchInstances.map(async ({ row, publisher }, i) => {
      for (let n = 0; n < perInstance && i * perInstance + n < EVENTS; n++) {
        publisher.publish('MESSAGES_UPSERT', data(n, row.id) as unknown as PayloadOf<'MESSAGES_UPSERT'>);
        await nextTick();
      }
      await publisher.drained();
    }));
    const instancesPublishedMs = now() - ti;
    await waitNonePending();
    const instancesPerSec = EVENTS / ((now() - ti) / 1000);
    const cpu1 = cpuSplit();
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      mkdirSync(CPU_PROF, { recursive: true });
      const file = join(CPU_PROF, `rabbitmq-instances-${process.pid}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      results.cpuProfile = file;
      profiler.disconnect();
    }
    if ((await delivered()) - base !== EVENTS) throw new Error(`instances: ${(await delivered()) - base} of ${EVENTS} delivered`);
    const cpuPerEvent = Object.fromEntries((['bench', 'postgres', 'broker'] as const).map((k) => [k, round(((cpu1[k] - cpu0[k]) * 1000) / EVENTS)]));
    const walPerEvent = (await walBytesSince(wal0)) / EVENTS;

    // The raw loop again: the broker's rate moves from run to run on a shared machine, so both phases are judged against both.
    const rawAfterMs = await rawLoop(uri, Array.from({ length: EVENTS }, () => Buffer.from(sample)));
    const rawAfter = EVENTS / (rawAfterMs / 1000);
    const rawMean = (raw + rawAfter) / 2;
    results.throughput = { ...(results.throughput as object), rawAfterPerSec: round(rawAfter), ratioToMeanRaw: round(pipeline / rawMean, 3) };
    results.instances = {
      instances: INSTANCES, perSec: round(instancesPerSec), ratio: round(instancesPerSec / raw, 3), ratioToMeanRaw: round(instancesPerSec / rawMean, 3),
      publishedMs: round(instancesPublishedMs), walBytesPerEvent: round(walPerEvent), cpuMicrosPerEvent: cpuPerEvent,
    };
    log(`instances: ${round(instancesPerSec)}/s, ratio ${round(instancesPerSec / raw, 3)} (outbox written in ${round(instancesPublishedMs)} ms; Postgres WAL ${round(walPerEvent)} B/event end to end; CPU µs/event ${JSON.stringify(cpuPerEvent)})`);
    log(`raw again: ${round(rawAfter)}/s; against the mean raw ${round(rawMean)}/s: pipeline ${round(pipeline / rawMean, 3)}, instances ${round(instancesPerSec / rawMean, 3)}`);

    // Pending cost: a second gateway context pointed at a closed port publishes into the outbox only.
    await app.close();
    apps.length = 0;
    const down = await boot('amqp://guest:guest@127.0.0.1:1');
    const prisma2 = down.get(PrismaService);
    const sink2 = down.get<EventSink>(EVENT_SINK);
    await prisma2.pool.query('VACUUM "WebhookDelivery"');
    const size = async () => Number((await prisma2.pool.query(`SELECT pg_total_relation_size('"WebhookDelivery"') AS b`)).rows[0].b);
    const mem = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
    const [pg0, r0] = [await size(), await mem()];
    let n = 0;
    const tIngest = now();
    await Promise.all(Array.from({ length: PUBLISHERS }, async () => {
      while (n < PENDING) await sink2.publish(event(n++));
    }));
    // The same callers with no publisher beside them: what the ingest side alone sustains.
    const ingestOnly = PENDING / ((now() - tIngest) / 1000);
    const [pg1, r1] = [await size(), await mem()];
    const pendingRows = Number((await prisma2.pool.query(`SELECT count(*) AS n FROM "WebhookDelivery" WHERE status = 'pending'`)).rows[0].n);
    // Row bytes as stored (TOAST-compressed body included), independent of page reuse after VACUUM.
    const rowBytes = Number((await prisma2.pool.query(`SELECT avg(pg_column_size(t.*)) AS b FROM "WebhookDelivery" t WHERE status = 'pending'`)).rows[0].b);
    results.pendingCost = { pendingRows, postgresRowBytes: round(rowBytes), postgresTableGrowthPerEvent: round((pg1 - pg0) / PENDING), redisBytesPerEvent: round((r1 - r0) / PENDING) };
    results.ingestOnly = { perSec: round(ingestOnly), ratioToRaw: round(ingestOnly / raw, 3) };
    log(`pending: ${pendingRows} rows, Postgres row ${round(rowBytes)} B (table+index growth ${round((pg1 - pg0) / PENDING)} B/event), Redis ${round((r1 - r0) / PENDING)} B/event`);
    log(`ingest alone (broker away, ${PUBLISHERS} callers): ${round(ingestOnly)} events/s (ratio to raw ${round(ingestOnly / raw, 3)})`);

    // Drain: the broker is back; the publisher alone empties the outbox (no ingest in the way).
    await down.close();
    apps.length = 0;
    const t0 = now();
    const up = await boot(uri);
    const prisma3 = up.get(PrismaService);
    const left = async () => Number((await prisma3.pool.query(`SELECT count(*) AS n FROM "WebhookDelivery" WHERE status = 'pending'`)).rows[0].n);
    while ((await left()) > 0) await new Promise((r) => setTimeout(r, 20));
    const drainMs = now() - t0;
    const drain = pendingRows / (drainMs / 1000);
    results.drain = { rows: pendingRows, ms: round(drainMs), perSec: round(drain), ratioToRaw: round(drain / raw, 3) };
    log(`drain of ${pendingRows} pending rows: ${round(drain)}/s (ratio to raw ${round(drain / raw, 3)}, boot included)`);
    console.log(JSON.stringify(results, null, 2));
    log(`saved ${saveResults('rabbitmq', results)}`);
  } finally {
    for (const a of apps) await a.close().catch(() => undefined);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await db.drop();
    await broker?.destroy();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
