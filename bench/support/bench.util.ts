import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

/** Small helpers every benchmark script shares: arguments, rounding, distributions, process CPU, results. */

/** `--name value` from the command line, or the fallback. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

export const flag = (name: string) => process.argv.includes(`--${name}`);

/** Epoch ms with sub-millisecond resolution, comparable across processes. */
export const now = () => performance.timeOrigin + performance.now();

const ID_PREFIX = `3EB0${randomBytes(4).toString('hex').toUpperCase()}`;
let idCounter = 0;
/**
 * A unique WhatsApp-style message id (20 hex digits, as WhatsApp Web's): a random prefix per
 * process and a counter. A randomBytes() call per event was 7 % of the gateway's CPU in
 * bench/rabbitmq, where the raw loop sends bodies made before its clock starts.
 */
export const benchMessageId = () => ID_PREFIX + (idCounter++).toString(16).toUpperCase().padStart(8, '0');

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export interface Dist {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function dist(values: number[]): Dist {
  const xs = [...values].sort((a, b) => a - b);
  const q = (p: number) => xs[Math.min(xs.length - 1, Math.max(0, Math.ceil(p * xs.length) - 1))] ?? NaN;
  const mean = xs.reduce((s, x) => s + x, 0) / (xs.length || 1);
  return { n: xs.length, p50: round(q(0.5)), p95: round(q(0.95)), p99: round(q(0.99)), max: round(xs[xs.length - 1] ?? NaN), mean: round(mean) };
}

/** user+system CPU ms of a process, from /proc (Linux); 0 once it has exited. */
export function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in 100 Hz ticks
  } catch {
    return 0;
  }
}

/** Writes a run's results to bench/results/<name>-<timestamp>.json (git-ignored) and returns the path. */
export function saveResults(name: string, results: unknown): string {
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/${name}-${Date.now()}.json`;
  writeFileSync(file, JSON.stringify(results, null, 2));
  return file;
}
