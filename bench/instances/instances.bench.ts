/**
 * bench/instances: memory per connected instance and restore time, against the fake
 * WhatsApp server, a real gateway process, real Postgres/Redis and a local receiver.
 *
 *   npm run bench:instances -- --counts 1,20 [--restarts 1] [--compare-encryption] [--empty] [--history 3000]
 *                              [--link-concurrency 20] [--settle-seconds 120] [--heap-snapshot] [--alternate-with <dir>]
 *
 * The first gateway prints its V8 heap figures at each count (`memory`); --heap-snapshot also writes
 * heap snapshots there (for bench/support/heap-snapshot.summary.ts; they inflate the RSS figures).
 *
 * Each instance is its own number with a realistic account on the fake server (contacts, chats,
 * groups, a history sync that the gateway stores), as bench/fleet links them; --empty links empty
 * accounts (the figures before issue #20).
 *
 * --compare-encryption: after the restarts without a key, encrypts the stored sessions with
 * secrets:rotate and restarts the same instances with ENCRYPTION_KEYS (same run, same data).
 *
 * --alternate-with <dir>: the restarts alternate between the gateway built in another checkout (say
 * main, in <dir>/dist) and this one, other first, on the same linked instances: a before/after pair
 * of restores without linking twice (the data and the fake server's accounts are the same for both).
 *
 * Baseline: the same gateway process idle with no instance, measured in the same run.
 */
import { FakeWhatsAppServer, GatewayProcess, ReceivedWebhook, TestDatabase, WebhookReceiver, rssMb } from '@gw/testing';
import { runWithConcurrency } from '@gw/common';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { arg, flag, procCpuMs, saveResults } from '../support/bench.util';
import { benchEncryptionKeys, encryptStoredSecrets } from '../support/encryption.util';
import { BENCH_API_KEY as API_KEY, benchGatewayEnv, memoryProbeEnv, memoryUsage, writeCpuProfile, writeHeapSnapshot } from '../support/bench-gateway.util';
import { accountSizes } from '../support/realistic-stream.util';
import { restoreWatch } from './restore-watch';

/** Account phones: apart from the fake's own numbers, its contact pool and bench/fleet's. */
const phoneOf = (k: number) => String(5511_977_000_000 + k);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function settledRss(pid: number): Promise<number> {
  // Let timers and GC settle: take the minimum of a few samples over ~3 s.
  const samples: number[] = [];
  for (let i = 0; i < 6; i++) {
    await new Promise((r) => setTimeout(r, 500));
    samples.push(rssMb(pid));
  }
  return Math.min(...samples);
}

async function main() {
  const counts = arg('counts', '1,20').split(',').map(Number);
  // Unset: the gateway's own default (SESSION_RESTORE_CONCURRENCY).
  const concurrency = arg('restore-concurrency', '');
  const realistic = !flag('empty');
  const sizes = accountSizes('history');
  const linkConcurrency = Number(arg('link-concurrency', '20'));
  const fake = await FakeWhatsAppServer.start();
  const db = await new TestDatabase().create();
  const receiver = new WebhookReceiver();
  await receiver.start();
  const { env: benchEnv, profileEnv } = benchGatewayEnv(db, fake);
  const env: Record<string, string> = { ...benchEnv, ...(concurrency ? { SESSION_RESTORE_CONCURRENCY: concurrency } : {}) };
  // --cpu-prof: profile the restarted gateway while it restores (bench/support/cpu-profile.preload.ts).
  const profile = flag('cpu-prof');
  // --heap-snapshot: heap snapshots of the first gateway with no instance and at each count (memory-probe.preload.ts).
  const heap = flag('heap-snapshot');
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    node: process.version,
    counts,
    concurrency: concurrency || 'default',
    account: realistic ? sizes : 'empty',
    linkConcurrency,
    loadAverage1mAtStart: Math.round(loadavg()[0] * 10) / 10,
  };
  let gateway = await new GatewayProcess({ ...env, ...memoryProbeEnv(), LOG_LEVEL: 'info' }).start();
  results.bootToListeningMs = gateway.bootMs;
  const settleSeconds = Number(arg('settle-seconds', '120'));
  // The baseline settles as long as each count does: right after boot it still holds boot's garbage.
  if (settleSeconds > 0) await new Promise((r) => setTimeout(r, settleSeconds * 1000));
  const baseRss = await settledRss(gateway.pid!);
  results.baseRssMb = baseRss;
  const heapSnapshots: Record<string, string> = {};
  const memory: Record<string, unknown> = { 0: await memoryUsage(gateway) };
  if (heap) heapSnapshots['0'] = await writeHeapSnapshot(gateway);
  const storedMessages = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM "Message"'))[0].n);

  const firstQrMs: number[] = [];
  let linked = 0;
  const isOpen = (name: string) => (w: ReceivedWebhook) =>
    w.body?.event === 'connection.update' && w.body.instance === name && w.body.data.state === 'open';
  const rssByCount: Record<number, number> = {};
  const justLinked: Record<number, number> = {};
  for (const target of counts) {
    const names: string[] = [];
    const linkStart = Date.now();
    for (; linked < target; linked++) names.push(`bench-${linked}`);
    // Linked 20 at a time by default, as a person scanning codes would never do 200 at once either.
    await runWithConcurrency(names, linkConcurrency, async (name) => {
      const phone = phoneOf(Number(name.slice('bench-'.length)));
      if (realistic) fake.seedRealisticAccount(phone, { ...sizes, pushName: name });
      const t0 = Date.now();
      const created = await gateway.api('POST', '/instance/create', {
        apikey: API_KEY,
        body: { instanceName: name, webhook: { url: `${receiver.url}/${name}`, events: ['QRCODE_UPDATED', 'CONNECTION_UPDATE'] } },
      });
      if (created.status !== 201) throw new Error(`create ${name} answered ${created.status}: ${JSON.stringify(created.body)}`);
      const qr = await receiver.waitFor((w) => w.body?.event === 'qrcode.updated' && w.body.instance === name, 60_000);
      firstQrMs.push(qr.receivedAt - t0);
      await fake.scan(qr.body.data.qrcode.code, realistic ? { phone } : {});
      await receiver.waitFor(isOpen(name), 120_000);
    });
    if (realistic) {
      // Measured once every history sync is stored: an instance still syncing is not idle.
      const want = target * sizes.messages;
      let stored = 0;
      for (const deadline = Date.now() + 20 * 60_000; (stored = await storedMessages()) < want && Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 1000)); // bounded polling: the gateway writes, nothing signals the end
      }
      if (stored < want) console.warn(`history: ${stored}/${want} messages stored`);
    }
    console.log(`${target} instances linked${realistic ? ' and synced' : ''} in ${Date.now() - linkStart} ms`);
    justLinked[target] = await settledRss(gateway.pid!);
    // Idle means after the linking burst: V8 returns the history syncs' garbage only when its
    // memory reducer runs, a minute or two after allocation stops (see the idle curve).
    if (settleSeconds > 0) await new Promise((r) => setTimeout(r, settleSeconds * 1000));
    rssByCount[target] = await settledRss(gateway.pid!);
    console.log(`${target} open instances: RSS ${rssByCount[target]} MB after ${settleSeconds} s idle, ${justLinked[target]} MB just linked (base ${baseRss} MB)`);
    memory[target] = await memoryUsage(gateway);
    if (heap) heapSnapshots[target] = await writeHeapSnapshot(gateway);
  }
  results.memory = memory;
  if (heap) results.heapSnapshots = heapSnapshots;
  results.createToFirstQrWebhookMs = { median: median(firstQrMs), max: Math.max(...firstQrMs) };

  // Idle: does RSS stay flat (no leak) while all instances sit connected and idle? Keep-alives,
  // pre-key checks and timers still run; a leak shows as steady growth between the samples.
  const idleMinutes = Number(arg('idle-minutes', '0'));
  if (idleMinutes > 0) {
    const startMb = await settledRss(gateway.pid!);
    const samples: { minute: number; rssMb: number }[] = [];
    for (let m = 1; m <= idleMinutes; m++) {
      await new Promise((r) => setTimeout(r, 60_000));
      samples.push({ minute: m, rssMb: await settledRss(gateway.pid!) });
      console.log(`idle minute ${m}: RSS ${samples.at(-1)!.rssMb} MB`);
    }
    const endMb = await settledRss(gateway.pid!);
    // half-way vs end: growth that continues after start-up settling is what a leak looks like
    const half = samples[Math.floor(samples.length / 2)]?.rssMb ?? startMb;
    memory.afterIdle = await memoryUsage(gateway);
    results.idle = { minutes: idleMinutes, instances: linked, startMb, endMb, growthMb: endMb - startMb, secondHalfGrowthMb: endMb - half, samples };
    console.log(`idle ${idleMinutes} min with ${linked} instances: ${startMb} -> ${endMb} MB`);
  }
  results.rssMb = rssByCount;
  results.settleSeconds = settleSeconds;
  results.rssJustLinkedMb = justLinked;
  const top = counts[counts.length - 1];
  results.perInstanceMb = Math.round(((rssByCount[top] - baseRss) / top) * 100) / 100;
  // Marginal cost once Baileys itself is loaded (the first instance pays for the library).
  if (counts.length > 1) {
    const first = counts[0];
    results.marginalPerInstanceMb = Math.round(((rssByCount[top] - rssByCount[first]) / (top - first)) * 100) / 100;
  }

  // Restart: time until every instance is open again (no QR).
  const qrBefore = receiver.received.filter((w) => w.body?.event === 'qrcode.updated').length;
  const restarts = Number(arg('restarts', '1'));
  // --alternate-with: restarts alternate between that checkout's gateway (first) and this one's.
  const otherDir = arg('alternate-with', '');
  const otherMain = otherDir ? join(resolve(otherDir), 'dist/apps/gateway/src/main.js') : '';
  let restartNo = 0;
  const restartAll = async (extra: Record<string, string> = {}) => {
    const side = otherMain && restartNo++ % 2 === 0 ? 'other' : 'this';
    await gateway.stop('SIGTERM');
    const restartAt = Date.now();
    const logins: number[] = [];
    const onLogin = () => logins.push(Date.now());
    fake.on('login', onLogin);
    // The restarted gateway is profiled from its first line: boot is part of the restore.
    const fromStart: Record<string, string> = profile ? { BENCH_CPU_PROFILE_FROM_START: '1' } : {};
    const nextEnv = { ...env, ...profileEnv, ...fromStart, ...(heap ? memoryProbeEnv() : {}), ...extra };
    const next = side === 'other' ? new GatewayProcess(nextEnv, otherMain) : new GatewayProcess(nextEnv);
    const started = next.start();
    // RSS sampled while the sessions come back (the process exists before it listens)
    const watch = restoreWatch(() => next.pid, restartAt, logins);
    gateway = await started;
    watch.listening();
    const opened = await Promise.all(
      Array.from({ length: top }, (_, i) => receiver.waitFor((w) => isOpen(`bench-${i}`)(w) && w.receivedAt >= restartAt, 180_000)),
    );
    const ms = Date.now() - restartAt;
    const restore = watch.stop(opened.map((w) => w.receivedAt));
    fake.off('login', onLogin);
    for (const line of gateway.logs) if (/restor|lease/i.test(line)) console.log(`  gateway: ${line.slice(0, 300)}`);
    // CPU of the new process until every instance is open (boot included, the same in every run):
    // steadier than wall time when other jobs share the cores.
    const cpuMs = procCpuMs(gateway.pid!);
    if (profile) await writeCpuProfile(gateway);
    if (heap) heapSnapshots[`restored-${top}`] = await writeHeapSnapshot(gateway);
    console.log(
      `restart${extra.ENCRYPTION_KEYS ? ' (encrypted)' : ''}${otherMain ? ` [${side === 'other' ? otherDir : 'this checkout'}]` : ''}: ` +
        `all ${top} open in ${ms} ms, gateway CPU ${cpuMs} ms, listening after ${restore.listeningMs} ms, ` +
        `peak RSS ${restore.peakRssMb} MB, peak ${restore.peakOpensPerSecond} open/s, peak ${restore.peakLoginsPerSecond} logins/s`,
    );
    return { ms, cpuMs, ...(otherMain ? { gateway: side === 'other' ? otherDir : 'this checkout' } : {}), ...restore };
  };
  const plain: Awaited<ReturnType<typeof restartAll>>[] = [];
  for (let r = 0; r < restarts; r++) plain.push(await restartAll());
  const plainMs = plain.map((p) => p.ms);
  results.restartAllOpenMs = median(plainMs);
  results.restartAllOpenRunsMs = plainMs;
  results.restartCpuRunsMs = plain.map((p) => p.cpuMs);
  results.restore = plain.map(({ ms: _ms, cpuMs: _cpu, ...r }) => ({
    ...r,
    peakRssOverIdle: Math.round((r.peakRssMb / rssByCount[top]) * 100) / 100,
  }));
  if (otherMain) {
    // The overall median mixes both gateways: each side's own figures.
    const of = (name: string) => {
      const runs = plain.filter((p) => p.gateway === name);
      return {
        restartAllOpenMs: median(runs.map((p) => p.ms)),
        runsMs: runs.map((p) => p.ms),
        cpuRunsMs: runs.map((p) => p.cpuMs),
        listeningRunsMs: runs.map((p) => p.listeningMs),
      };
    };
    results.alternate = { [otherDir]: of(otherDir), 'this checkout': of('this checkout') };
  }
  if (flag('compare-encryption')) {
    // The upgrade path: encrypt what is stored, then restore the same sessions with the key.
    const keys = benchEncryptionKeys();
    await gateway.stop('SIGTERM');
    const encrypted = await encryptStoredSecrets(env, keys);
    console.log(`secrets:rotate encrypted ${encrypted.rewritten} rows in ${encrypted.ms} ms`);
    const runs: Awaited<ReturnType<typeof restartAll>>[] = [];
    for (let r = 0; r < restarts; r++) runs.push(await restartAll({ ENCRYPTION_KEYS: keys }));
    const encryptedMs = runs.map((p) => p.ms);
    const pct = (a: number, b: number) => Math.round((a / b - 1) * 1000) / 10;
    results.encryption = {
      rowsEncrypted: encrypted.rewritten,
      rotateMs: encrypted.ms,
      restartAllOpenMs: median(encryptedMs),
      restartAllOpenRunsMs: encryptedMs,
      restartCpuRunsMs: runs.map((p) => p.cpuMs),
      restoreWallOverheadPct: pct(median(encryptedMs), median(plainMs)),
      restoreCpuOverheadPct: pct(median(runs.map((p) => p.cpuMs)), median(plain.map((p) => p.cpuMs))),
    };
  }
  results.qrAfterRestart = receiver.received.filter((w) => w.body?.event === 'qrcode.updated').length - qrBefore;

  console.log(JSON.stringify(results, null, 2));
  saveResults('instances', results);
  await gateway.stop('SIGTERM');
  await fake.close();
  await receiver.stop();
  await db.drop();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
