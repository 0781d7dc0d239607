/** bench/delivery's command line (see delivery.bench.ts for what each option does) and fixed settings. */
import { join } from 'node:path';
import { arg, flag } from '../support/bench.util';

export const EVENTS = Number(arg('events', '10000'));
export const PUBLISHERS = arg('publishers', '1,16').split(',').map(Number);
export const CONCURRENCY = Number(arg('concurrency', process.env.DELIVERY_CONCURRENCY ?? '50'));
export const RATE = Number(arg('rate', '500'));
export const SECONDS = Number(arg('seconds', '10'));
export const LATENCY_MODES = arg('latency-publish', 'parallel,chain').split(',') as ('chain' | 'parallel')[];
export const RETRY_JOBS = Number(arg('retry-jobs', '2000'));
export const WORKER_PROCESS = flag('worker-process');
/** --worker-cpu-prof DIR: profile the --worker-process worker from its first line; written to DIR at the end. */
export const WORKER_CPU_PROF = arg('worker-cpu-prof', '');
export const WARMUP = Number(arg('warmup', '1000'));
/** Time the pipeline's stages by wrapping its methods (in-process worker only): where a delivery waits. */
export const DIAG = flag('diag');
/** Which phases to run (for profiling one of them): raw, floor, pipeline, fanout, latency, memory. */
export const PHASES = new Set(arg('phases', 'raw,floor,pipeline,fanout,latency,memory').split(','));
/** fanout phase: deliveries per event (two of its three webhooks take each event). */
export const FANOUT_DELIVERIES = 2;
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The built worker app, next to this file in the build output (dist/bench/delivery -> dist/apps/worker). */
export const WORKER_MAIN = join(__dirname, '../../apps/worker/src/main.js');
/** Long enough that failed deliveries stay delayed in Redis while we measure; 8 attempts like the default. */
export const RETRY_SCHEDULE = '600,1800,7200,18000,36000,36000,36000';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
