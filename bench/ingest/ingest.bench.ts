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
import { FakeWhatsAppServer, GatewayProcess, TestDatabase, rssMb } from '@gw/testing';
import { benchEncryptionKeys, encryptStoredSecrets } from '../support/encryption.util';
import { arg, flag, now, procCpuMs, round, saveResults } from '../support/bench.util';
import { benchGatewayEnv, linkBenchInstance, writeCpuProfile } from '../support/bench-gateway.util';
import { deliveredStep, injectOpenLoop, scheduledToStored } from '../support/open-loop.util';
import { UpsertReceiverProcess } from '../support/upsert-receiver.process';
import { accountSizes, injector, prepareAhead, prepareInjection } from '../support/realistic-stream.util';

const PHONE = '5511977000001';

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
  const sizes = accountSizes('history-messages');
  const fake = await FakeWhatsAppServer.start();
  const db = await new TestDatabase().create();
  const receiver = await new UpsertReceiverProcess().start();
  const plan = fake.seedRealisticAccount(PHONE, { ...sizes, pushName: 'Bench Account' });
  const { env, profileEnv } = benchGatewayEnv(db, fake);
  const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, account: sizes, senders, seconds };
  // --worker-process: delivery runs in apps/worker, as docker-compose deploys it, and the gateway
  // process only runs WhatsApp and publishes.
  const separateWorker = flag('worker-process');
  const gatewayEnv = { ...env, ...profileEnv, LOG_LEVEL: 'info', ...(separateWorker ? { DELIVERY_WORKER_ENABLED: 'false' } : {}) };
  let gateway = await new GatewayProcess(gatewayEnv).start();
  const worker = separateWorker ? await GatewayProcess.worker(env).start() : undefined;
  results.deliveryWorker = separateWorker ? 'separate process' : 'in the gateway process';
  let pid = gateway.pid!;

  // Link the account; its phone then syncs the history (MESSAGES_SET), which the gateway stores.
  const historyTarget = plan.history.messages!.length;
  const linked = await linkBenchInstance(gateway, fake, receiver, { name: 'ingest', phone: PHONE, historyMessages: historyTarget });
  results.history = { messagesSetRecords: linked.historyRecords, expected: historyTarget, linkToSyncedMs: linked.linkToSyncedMs };
  console.log(`linked; history ${linked.historyRecords}/${historyTarget} message records in ${linked.linkToSyncedMs} ms`);

  const who = injector(plan, senders);
  let nextN = 0;
  const prepare = (n: number) => prepareInjection(fake, who(n), n);
  const inject = async (n: number) => (await prepare(n))();
  /** The peers' Signal encryption is done ahead, in order, so the injector is not what limits the rate. */
  const prepareRange = async (from: number, count: number) => {
    const t = Date.now();
    const out = await prepareAhead(count, (k) => prepare(from + k));
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
      const rssBefore = rssMb(pid);
      const cpuBefore = procCpuMs(pid);
      const run = await injectOpenLoop(ready, rate);
      const delivered = await deliveredStep(receiver, from, run, rampMs);
      const step = {
        targetPerSec: rate,
        ...delivered,
        scheduledToStoredMs: await scheduledToStored(db, from, run.scheduled),
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
    const reopened = receiver.next((n) => (n.notice === 'connection' && n.instance === 'ingest' && n.state === 'open' ? true : undefined), 60_000);
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
    const receivedAt = await receiver.receivedAt(from, from + burst);
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

  if (flag('cpu-prof')) await writeCpuProfile(gateway);
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
