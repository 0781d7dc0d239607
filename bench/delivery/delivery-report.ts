/** bench/delivery's results: the JSON written to bench/results and the summary table, as before the split. */
import type IORedis from 'ioredis';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { Dist, now, round, saveResults } from '../support/bench.util';
import { interference, perDelivery } from './cpu-accounting';
import { CONCURRENCY, DIAG, EVENTS, LATENCY_MODES, PHASES, PUBLISHERS, RATE, RETRY_JOBS, SECONDS, WORKER_PROCESS } from './delivery-options';
import type { runLatency } from './latency.phase';
import type { runPipeline } from './pipeline.phase';
import type { runQueueFloor } from './queue-floor.phase';
import type { runRaw } from './raw.phase';
import type { ReceiverProcess } from './receiver-process';
import type { runRetryMemory } from './retry-memory.phase';

/** A phase's result with the CPU each process spent on it (withCpu). */
export interface Measured<T> {
  result: T;
  cpuMs: Record<string, number>;
  wallMs: number;
  otherCores: number;
}

interface CpuShare {
  cpuMs: Record<string, number>;
  cpuMsPerDelivery: Record<string, number>;
  otherCores: number;
}

export type PipelineRow = Awaited<ReturnType<typeof runPipeline>> &
  CpuShare & { ratioToRaw: number | null; ratioToQueueFloor: number | null };

export type FanoutRow = Awaited<ReturnType<typeof runPipeline>> &
  CpuShare & { webhooks: number; deliveriesPerSecRatioToOneWebhook: number | null; cpuPerDeliveryRatioToOneWebhook: number | null };

export type LatencyRow = Awaited<ReturnType<typeof runLatency>> & CpuShare;

export interface PhaseResults {
  raw?: Measured<Awaited<ReturnType<typeof runRaw>>>;
  floor?: Measured<Awaited<ReturnType<typeof runQueueFloor>>>;
  pipeline: PipelineRow[];
  fanout: FanoutRow[];
  latency: LatencyRow[];
  retry?: Awaited<ReturnType<typeof runRetryMemory>>;
  diag: Record<string, unknown>;
}

/** Prints the results (JSON on stdout, then the table) and saves them under bench/results. */
export async function report({ raw, floor, pipeline, fanout, latency, retry, diag }: PhaseResults, receiver: ReceiverProcess, redis: IORedis) {
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
}
