import { FakeWhatsAppServer, GatewayProcess, TestDatabase } from '@gw/testing';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { flag } from './bench.util';
import type { UpsertReceiverProcess } from './upsert-receiver.process';

export const BENCH_API_KEY = 'bench-key';
export const PROFILE_DIR = join(process.cwd(), 'bench/results/prof');

/**
 * Environment of a gateway (and worker) under benchmark: the run's database, a fresh Redis prefix,
 * the fake WhatsApp server. With --cpu-prof the gateway profiles only the measured phases
 * (cpu-profile.preload.ts, toggled by SIGWINCH).
 */
export function benchGatewayEnv(db: TestDatabase, fake: FakeWhatsAppServer): { env: Record<string, string>; profileEnv: Record<string, string> } {
  if (flag('cpu-prof')) mkdirSync(PROFILE_DIR, { recursive: true });
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `gwbench_${randomBytes(4).toString('hex')}`,
    AUTHENTICATION_API_KEY: BENCH_API_KEY,
    WA_WEBSOCKET_URL: fake.url,
    LOG_LEVEL: 'warn',
  };
  const profileEnv: Record<string, string> = flag('cpu-prof')
    ? { NODE_OPTIONS: withPreload(join(__dirname, 'cpu-profile.preload.js')), BENCH_CPU_PROFILE_DIR: PROFILE_DIR }
    : {};
  return { env, profileEnv };
}

const profilesWritten = new Map<number, number>();
const snapshotsWritten = new Map<number, number>();
export const HEAP_DIR = join(process.cwd(), 'bench/results/heap');

/** Environment that lets writeHeapSnapshot() and memoryUsage() probe the gateway (memory-probe.preload.ts). */
export function memoryProbeEnv(): Record<string, string> {
  mkdirSync(HEAP_DIR, { recursive: true });
  return { NODE_OPTIONS: withPreload(join(__dirname, 'memory-probe.preload.js')), BENCH_HEAP_DIR: HEAP_DIR };
}

/**
 * Environment that logs a gateway's garbage collections to `file` (gc-timeline.preload.ts);
 * `nodeOptions`: NODE_OPTIONS it already has (another preload), kept.
 */
export function gcTimelineEnv(file: string, nodeOptions?: string): Record<string, string> {
  return { NODE_OPTIONS: withPreload(join(__dirname, 'gc-timeline.preload.js'), nodeOptions), BENCH_GC_TIMELINE_FILE: file };
}

/** NODE_OPTIONS with the probe added to `base`, by default what the bench was run with (a diagnostic preload stays in). */
function withPreload(file: string, base = process.env.NODE_OPTIONS): string {
  return [base, `--require ${file}`].filter(Boolean).join(' ');
}

/** process.memoryUsage() and V8's heap spaces (MB) of a gateway started with memoryProbeEnv(). */
export async function memoryUsage(gateway: GatewayProcess): Promise<Record<string, unknown>> {
  const seen = gateway.logs.length;
  const logged = gateway.waitForLog(/"memory usage"/, 1, 10_000);
  process.kill(gateway.pid!, 'SIGTTOU');
  await logged;
  const line = gateway.logs.slice(seen).find((l) => l.includes('"memory usage"'))!;
  const { usage, spaces } = JSON.parse(line);
  return { ...usage, spaces };
}

/** Asks a gateway started with memoryProbeEnv() for a heap snapshot and waits until it is written; returns its path. */
export async function writeHeapSnapshot(gateway: GatewayProcess): Promise<string> {
  const pid = gateway.pid!;
  const n = (snapshotsWritten.get(pid) ?? 0) + 1;
  snapshotsWritten.set(pid, n);
  const file = join(HEAP_DIR, `${pid}-${n}.heapsnapshot`);
  process.kill(pid, 'SIGTTIN');
  for (const deadline = Date.now() + 300_000; !existsSync(file); ) {
    if (Date.now() > deadline) throw new Error(`gateway did not write ${file}`);
    await new Promise((r) => setTimeout(r, 200)); // bounded polling: the snapshot is written by another process
  }
  console.log(`gateway heap snapshot: ${file}`);
  return file;
}

/**
 * Ends a SIGWINCH-toggled profile and waits until the gateway wrote it (the file appears once
 * complete: the preload renames it into place; a log line can be hidden by the process's log
 * level or console capture). Returns the file's name in PROFILE_DIR.
 */
export async function writeCpuProfile(gateway: GatewayProcess): Promise<string> {
  const pid = gateway.pid!;
  const n = (profilesWritten.get(pid) ?? 0) + 1;
  profilesWritten.set(pid, n);
  const file = `${pid}-${n}.cpuprofile`;
  process.kill(pid, 'SIGWINCH');
  for (const deadline = Date.now() + 60_000; !existsSync(join(PROFILE_DIR, file)); ) {
    if (Date.now() > deadline) throw new Error(`gateway did not write ${file}`);
    await new Promise((r) => setTimeout(r, 100)); // bounded polling: the profile is written by another process
  }
  console.log(`gateway CPU profile: ${join(PROFILE_DIR, file)}`);
  return file;
}

/**
 * Creates instance `name` with its webhook on the receiver, scans its QR as `phone` (whose account
 * the fake already seeded) and waits until it is open and its history sync (`historyMessages`
 * records of `messages.set`) was delivered. Returns the link and sync times.
 */
export async function linkBenchInstance(
  gateway: GatewayProcess,
  fake: FakeWhatsAppServer,
  receiver: UpsertReceiverProcess,
  link: { name: string; phone: string; historyMessages: number },
): Promise<{ linkToOpenMs: number; linkToSyncedMs: number; historyRecords: number }> {
  const { name } = link;
  const qr = receiver.next((n) => (n.notice === 'qr' && n.instance === name ? n.code : undefined), 60_000);
  const created = await gateway.api('POST', '/instance/create', {
    apikey: BENCH_API_KEY,
    body: {
      instanceName: name,
      webhook: { url: receiver.url, events: ['QRCODE_UPDATED', 'CONNECTION_UPDATE', 'MESSAGES_UPSERT', 'MESSAGES_SET'] },
    },
  });
  if (created.status !== 201) throw new Error(`create ${name} answered ${created.status}: ${JSON.stringify(created.body)}`);
  const open = receiver.next((n) => (n.notice === 'connection' && n.instance === name && n.state === 'open' ? true : undefined), 60_000);
  const start = Date.now();
  await fake.scan(await qr, { phone: link.phone });
  await open;
  const linkToOpenMs = Date.now() - start;
  const historyRecords = await receiver.waitForHistory(name, link.historyMessages, 20_000);
  return { linkToOpenMs, linkToSyncedMs: Date.now() - start, historyRecords };
}
