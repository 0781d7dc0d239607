/**
 * bench/ingest: incoming WhatsApp messages → `messages.upsert` webhooks, for ONE instance, through
 * the real gateway process, real Baileys (Signal decryption included), real Postgres/Redis and a
 * local receiver in its own process.
 *
 *   npm run bench:ingest -- [--steps 100,250,500,750] [--seconds 10] [--ramp-seconds 2] [--burst 5000] [--worker-process] [--compare-encryption]
 *
 * --compare-encryption: after the steps, encrypts what the gateway stored (secrets:rotate), restarts it
 * with ENCRYPTION_KEYS and runs the same steps again: the cost of encryption at rest, same run.
 *
 * The fake WhatsApp server (in this process) first gives the account a realistic state (contacts,
 * groups, a history sync of chats and messages), then its contacts send messages at fixed rates
 * (open loop: latency runs from each message's scheduled time, so a slow injector counts
 * against the result) and in one burst as fast as possible.
 */
import { FakeWhatsAppServer, GatewayProcess, RealisticAccountPlan, TestDatabase, rssMb } from '@gw/testing';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestReceiverCommand, IngestReceiverNotice } from './receiver';
import { benchEncryptionKeys, encryptStoredSecrets } from '../support/encryption.util';
import { arg, dist, flag, now, procCpuMs, round, saveResults } from '../support/bench.util';
import { ForkedReceiver } from '../support/forked-receiver';

const API_KEY = 'bench-key';
const PHONE = '5511977000001';

class ReceiverProcess extends ForkedReceiver<IngestReceiverCommand> {
  private readonly listeners: ((n: IngestReceiverNotice) => void)[] = [];
  historyRecords = 0;

  constructor() {
    super(join(__dirname, 'receiver.js'));
  }

  protected override onNotice(message: Record<string, unknown>) {
    const notice = message as unknown as IngestReceiverNotice;
    if (notice.notice === 'history') this.historyRecords += (notice as { records: number }).records;
    for (const l of [...this.listeners]) l(notice);
  }

  /** The next notice matching `pick` (e.g. the QR, the connection opening). */
  next<T>(pick: (n: IngestReceiverNotice) => T | undefined, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('receiver: expected webhook did not arrive')), timeoutMs);
      const listener = (n: IngestReceiverNotice) => {
        const v = pick(n);
        if (v === undefined) return;
        clearTimeout(timer);
        this.listeners.splice(this.listeners.indexOf(listener), 1);
        resolve(v);
      };
      this.listeners.push(listener);
    });
  }

  /** Waits until messages [from, to) all arrived, or nothing new arrived for stallMs. */
  async waitForRange(from: number, to: number, stallMs: number): Promise<number> {
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const { received } = await this.call<{ received: number }>({ cmd: 'count', from, to });
      if (received >= to - from) return received;
      if (received !== last) [last, lastChange] = [received, Date.now()];
      else if (Date.now() - lastChange > stallMs) return received;
      await new Promise((r) => setTimeout(r, 100)); // bounded polling: the receiver is another process
    }
  }
}

interface Injection {
  to: string;
  from: string;
  group?: string;
}

/** Who sends message i: mostly 1:1 contacts, every fifth one a group member in a group. */
function injector(plan: RealisticAccountPlan, senders: number): (i: number) => Injection {
  const direct = plan.contactPhones.slice(0, senders);
  const groupSends = plan.groups.flatMap((g) => g.members.map((m) => ({ to: g.id, from: m, group: g.id })));
  return (i) =>
    i % 5 === 4 && groupSends.length
      ? groupSends[Math.floor(i / 5) % groupSends.length]
      : { to: PHONE, from: direct[(Math.floor(i / 5) * 4 + (i % 5)) % direct.length] };
}

type StepResult = { targetPerSec: number; gatewayCpuMsPerMessage: number; scheduledToWebhookMs: { p50: number; p99: number } };

/** Encrypted vs plain for one step (positive = slower with encryption). */
function overhead(plain: StepResult[], k: number, enc: StepResult) {
  const p = plain[k];
  const pct = (a: number, b: number) => round((a / b - 1) * 100, 1);
  return {
    targetPerSec: enc.targetPerSec,
    cpuPerMessagePct: pct(enc.gatewayCpuMsPerMessage, p.gatewayCpuMsPerMessage),
    p50LatencyPct: pct(enc.scheduledToWebhookMs.p50, p.scheduledToWebhookMs.p50),
    p99LatencyPct: pct(enc.scheduledToWebhookMs.p99, p.scheduledToWebhookMs.p99),
  };
}

async function main() {
  const steps = arg('steps', '100,250,500,750').split(',').map(Number).filter((x) => x > 0);
  const seconds = Number(arg('seconds', '10'));
  const burst = Number(arg('burst', '5000'));
  const rampMs = Number(arg('ramp-seconds', '2')) * 1000;
  const senders = Number(arg('senders', '200'));
  const sizes = {
    contacts: Number(arg('contacts', '300')),
    chats: Number(arg('chats', '100')),
    messages: Number(arg('history-messages', '3000')),
    groups: Number(arg('groups', '10')),
  };
  const fake = await FakeWhatsAppServer.start();
  const db = await new TestDatabase().create();
  const receiver = await new ReceiverProcess().start();
  const plan = fake.seedRealisticAccount(PHONE, { ...sizes, pushName: 'Bench Account' });
  const profDir = join(process.cwd(), 'bench/results/prof');
  if (flag('cpu-prof')) mkdirSync(profDir, { recursive: true });
  const env: Record<string, string> = {
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `gwbench_${randomBytes(4).toString('hex')}`,
    AUTHENTICATION_API_KEY: API_KEY,
    WA_WEBSOCKET_URL: fake.url,
    LOG_LEVEL: 'warn',
    // --cpu-prof: the gateway profiles the measured phases only (see bench/support/cpu-profile.preload.ts).
    ...(flag('cpu-prof')
      ? { NODE_OPTIONS: `--require ${join(__dirname, '../support/cpu-profile.preload.js')}`, BENCH_CPU_PROFILE_DIR: profDir }
      : {}),
  };
  const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, account: sizes, senders, seconds };
  // --worker-process: delivery runs in apps/worker, as docker-compose deploys it, and the gateway
  // process only runs WhatsApp and publishes.
  const separateWorker = flag('worker-process');
  const gatewayEnv = { ...env, LOG_LEVEL: 'info', ...(separateWorker ? { DELIVERY_WORKER_ENABLED: 'false' } : {}) };
  let gateway = await new GatewayProcess(gatewayEnv).start();
  const worker = separateWorker ? await GatewayProcess.worker(env).start() : undefined;
  results.deliveryWorker = separateWorker ? 'separate process' : 'in the gateway process';
  let pid = gateway.pid!;

  // Link the account; its phone then syncs the history (MESSAGES_SET), which the gateway stores.
  const qr = receiver.next((n) => (n.notice === 'qr' ? n.code : undefined), 60_000);
  const created = await gateway.api('POST', '/instance/create', {
    apikey: API_KEY,
    body: {
      instanceName: 'ingest',
      webhook: { url: receiver.url, events: ['QRCODE_UPDATED', 'CONNECTION_UPDATE', 'MESSAGES_UPSERT', 'MESSAGES_SET'] },
    },
  });
  if (created.status !== 201) throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body)}`);
  const open = receiver.next((n) => (n.notice === 'connection' && n.state === 'open' ? true : undefined), 60_000);
  const linkStart = Date.now();
  await fake.scan(await qr, { phone: PHONE });
  await open;
  const historyTarget = plan.history.messages!.length;
  for (let last = -1, since = Date.now(); receiver.historyRecords < historyTarget; ) {
    if (receiver.historyRecords !== last) [last, since] = [receiver.historyRecords, Date.now()];
    else if (Date.now() - since > 20_000) break;
    await new Promise((r) => setTimeout(r, 200)); // bounded polling: history arrives in chunks
  }
  results.history = { messagesSetRecords: receiver.historyRecords, expected: historyTarget, linkToSyncedMs: Date.now() - linkStart };
  console.log(`linked; history ${receiver.historyRecords}/${historyTarget} message records in ${Date.now() - linkStart} ms`);

  const who = injector(plan, senders);
  let nextN = 0;
  const prepare = (n: number) => {
    const s = who(n);
    return fake.prepareMessage(s.to, s.from, { conversation: `bench message ${n}` }, { id: `IB${n}`, ...(s.group ? { group: s.group } : {}) });
  };
  const inject = async (n: number) => (await prepare(n))();
  /** The peers' Signal encryption is done ahead, in order, so the injector is not what limits the rate. */
  const prepareRange = async (from: number, count: number) => {
    const t = Date.now();
    const out: (() => unknown)[] = [];
    for (let k = 0; k < count; k++) out.push(await prepare(from + k));
    console.log(`  (encrypted ${count} messages ahead in ${Date.now() - t} ms)`);
    return out;
  };

  // Warm-up: every sender's first message sets up its Signal session (pkmsg / sender key).
  const groupSenders = plan.groups.reduce((a, g) => a + g.members.length, 0);
  const warm = Math.ceil(Math.max((Math.min(senders, plan.contactPhones.length) * 5) / 4, groupSenders * 5));
  const warmFrom = nextN;
  for (let i = 0; i < warm; i++) await inject(nextN++);
  const warmReceived = await receiver.waitForRange(warmFrom, nextN, 30_000);
  console.log(`warm-up: ${warmReceived}/${warm} delivered`);

  /** Every step once: messages prepared ahead, injected open loop, latencies and CPU per message. */
  const runSteps = async (): Promise<Record<string, unknown>[]> => {
    // Every step's messages are encrypted before the first one: encrypting 5,000 takes ~11 s of the
    // bench's CPU, and an idle gap that long before each step made every step start cold.
    const planned: { rate: number; count: number; from: number; ready: (() => unknown)[] }[] = [];
    for (const rate of steps) {
      const count = Math.round(rate * seconds);
      planned.push({ rate, count, from: nextN, ready: await prepareRange(nextN, count) });
      nextN += count;
    }

    if (flag('cpu-prof')) process.kill(pid, 'SIGWINCH');
    const stepResults: Record<string, unknown>[] = [];
    for (const { rate, count, from, ready } of planned) {
      const scheduled: number[] = new Array(count);
      const injected: number[] = new Array(count);
      const rssBefore = rssMb(pid);
      const cpuBefore = procCpuMs(pid);
      const t0 = now() + 50;
      let i = 0;
      await new Promise<void>((resolve) => {
        const tick = () => {
          const t = now();
          while (i < count && t0 + (i * 1000) / rate <= t) {
            scheduled[i] = t0 + (i * 1000) / rate;
            ready[i]();
            injected[i] = now();
            i++;
          }
          if (i < count) setTimeout(tick, 2);
          else resolve();
        };
        setTimeout(tick, 50);
      });
      const injectEnd = now();
      const received = await receiver.waitForRange(from, from + count, 15_000);
      const { receivedAt } = await receiver.call<{ receivedAt: (number | null)[] }>({ cmd: 'dump', from, to: from + count });
      const got = receivedAt.filter((x): x is number => x !== null);
      const lastReceipt = Math.max(...got);
      const latency = receivedAt.flatMap((at, k) => (at === null ? [] : [at - scheduled[k]]));
      // The same after the first --ramp-seconds: the rate held, once queues and pools have adjusted.
      const steady = receivedAt.flatMap((at, k) => (at === null || scheduled[k] - t0 < rampMs ? [] : [at - scheduled[k]]));
      const fromInject = receivedAt.flatMap((at, k) => (at === null ? [] : [at - injected[k]]));
      // Where the time goes: when the gateway stored each message (after Baileys decrypted it and
      // the instance handled the event), the rest being publish + delivery.
      const stored = await db.query<{ n: string; at: number }>(
        `SELECT substr("keyId", 3) AS n, extract(epoch FROM "createdAt" AT TIME ZONE current_setting('TimeZone')) * 1000 AS at
         FROM "Message" WHERE "keyId" = ANY($1::text[])`,
        [Array.from({ length: count }, (_, k) => `IB${from + k}`)],
      );
      const storedAt = new Map(stored.map((r) => [Number(r.n), Number(r.at)]));
      const toStored = receivedAt.flatMap((_, k) => (storedAt.has(from + k) ? [storedAt.get(from + k)! - scheduled[k]] : []));
      const step = {
        targetPerSec: rate,
        messages: count,
        injectedPerSec: round(count / ((injectEnd - t0) / 1000), 1),
        achievedPerSec: round(received / ((lastReceipt - t0) / 1000), 1),
        lost: count - received,
        scheduledToWebhookMs: dist(latency),
        // null when the step is no longer than the ramp
        steadyScheduledToWebhookMs: steady.length ? dist(steady) : null,
        injectedToWebhookMs: dist(fromInject),
        scheduledToStoredMs: dist(toStored),
        gatewayCpuMsPerMessage: round((procCpuMs(pid) - cpuBefore) / count, 3),
        gatewayRssMb: { before: rssBefore, after: rssMb(pid) },
      };
      stepResults.push(step);
      console.log(
        `${rate}/s x ${seconds}s: achieved ${step.achievedPerSec}/s, p50 ${step.scheduledToWebhookMs.p50} ms, ` +
          `p99 ${step.scheduledToWebhookMs.p99} ms (after ${rampMs / 1000} s: p99 ${step.steadyScheduledToWebhookMs ? `${step.steadyScheduledToWebhookMs.p99} ms` : 'n/a'}; stored: p50 ${step.scheduledToStoredMs.p50}, p99 ${step.scheduledToStoredMs.p99}), lost ${step.lost}, gateway ${step.gatewayCpuMsPerMessage} ms CPU/msg, ` +
          `RSS ${rssBefore} → ${step.gatewayRssMb.after} MB`,
      );
    }
    return stepResults;
  };

  results.steps = await runSteps();
  if (flag('compare-encryption')) {
    // Same run, same account and peers: encrypt what the gateway stored (the upgrade path), restart
    // it with the key, warm up again and repeat the steps.
    const keys = benchEncryptionKeys();
    await gateway.stop('SIGTERM');
    const encrypted = await encryptStoredSecrets(env, keys);
    console.log(`secrets:rotate encrypted ${encrypted.rewritten} rows in ${encrypted.ms} ms; restarting with the key`);
    const reopened = receiver.next((n) => (n.notice === 'connection' && n.state === 'open' ? true : undefined), 60_000);
    gateway = await new GatewayProcess({ ...gatewayEnv, ENCRYPTION_KEYS: keys }).start();
    pid = gateway.pid!;
    await reopened;
    const rewarmFrom = nextN;
    for (let i = 0; i < warm; i++) await inject(nextN++);
    console.log(`warm-up (encrypted): ${await receiver.waitForRange(rewarmFrom, nextN, 30_000)}/${warm} delivered`);
    const encryptedSteps = await runSteps();
    results.encryption = {
      rowsEncrypted: encrypted.rewritten,
      steps: encryptedSteps,
      // per step: how much more gateway CPU per message, and how much later the webhooks arrived
      overhead: encryptedSteps.map((e, k) => overhead(results.steps as StepResult[], k, e as StepResult)),
    };
    console.log(`encryption overhead: ${JSON.stringify((results.encryption as { overhead: unknown }).overhead)}`);
  }

  if (burst > 0) {
    const from = nextN;
    nextN += burst;
    const ready = await prepareRange(from, burst);
    const cpuBefore = procCpuMs(pid);
    const t0 = now();
    // All at once, in chunks of 100 so the socket writes interleave with the rest of the loop.
    for (let k = 0; k < burst; k += 100) {
      for (const send of ready.slice(k, k + 100)) send();
      await new Promise((r) => setImmediate(r));
    }
    const injectEnd = now();
    const received = await receiver.waitForRange(from, from + burst, 15_000);
    const { receivedAt } = await receiver.call<{ receivedAt: (number | null)[] }>({ cmd: 'dump', from, to: from + burst });
    const lastReceipt = Math.max(...receivedAt.filter((x): x is number => x !== null));
    results.burst = {
      messages: burst,
      injectedPerSec: round(burst / ((injectEnd - t0) / 1000), 1),
      deliveredPerSec: round(received / ((lastReceipt - t0) / 1000), 1),
      lost: burst - received,
      gatewayCpuMsPerMessage: round((procCpuMs(pid) - cpuBefore) / burst, 3),
      gatewayRssMb: rssMb(pid),
    };
    console.log(`burst of ${burst}: ${JSON.stringify(results.burst)}`);
  }

  if (flag('cpu-prof')) {
    const written = gateway.waitForLog(/cpu profile written/);
    process.kill(pid, 'SIGWINCH');
    await written;
    console.log(`gateway CPU profile in ${profDir}`);
  }
  console.log(JSON.stringify(results, null, 2));
  saveResults('ingest', results);
  await gateway.stop('SIGTERM');
  await worker?.stop('SIGTERM');
  await fake.close();
  await receiver.stop();
  await db.drop();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
