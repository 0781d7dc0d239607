/**
 * bench/media memory: the real gateway's resident memory while it receives and sends big media
 * (real Baileys against the fake WhatsApp server and its HTTPS media host, Postgres, Redis).
 *
 *   npm run bench:media-memory -- [--video-mb 60] [--uploads 20] [--upload-mb 20]
 *
 * Phases, each from a settled baseline; the peak is VmHWM after resetting it (/proc/<pid>/clear_refs):
 *  1. receive a video (webhook base64 on, S3 off: downloaded, stored on disk, delivered by URL)
 *  2. send a video as a multipart upload (sendMedia)
 *  3. N multipart uploads of M MB at once (sendMedia documents)
 */
import { FakeWhatsAppServer, GatewayProcess, TestDatabase, WebhookReceiver, loadBaileys } from '@gw/testing';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg, now, round, saveResults } from '../support/bench.util';

const API_KEY = 'bench-key';
const MB = 1024 * 1024;

const status = (pid: number, field: 'VmRSS' | 'VmHWM') =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** Resets the peak (VmHWM) to the current RSS, so each phase has its own peak. */
const resetPeak = (pid: number) => writeFileSync(`/proc/${pid}/clear_refs`, '5');

/** RSS once it stops falling (the heap shrinks back after GC), at most ~15 s: the "after" figure. */
async function settledRss(pid: number): Promise<number> {
  let last = status(pid, 'VmRSS');
  for (let i = 0; i < 15; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const rss = status(pid, 'VmRSS');
    if (rss >= last - 1) return rss;
    last = rss;
  }
  return last;
}

async function main() {
  const videoMb = Number(arg('video-mb', '60'));
  const uploads = Number(arg('uploads', '20'));
  const uploadMb = Number(arg('upload-mb', '20'));
  const mediaDir = await mkdtemp(join(tmpdir(), 'bench-media-'));
  const receiver = new WebhookReceiver();
  const [fake, db] = await Promise.all([FakeWhatsAppServer.start({ mediaHost: true }), new TestDatabase().create(), receiver.start()]);
  const files = new Map<string, Buffer>();
  const cdn = createServer((req, res) => res.end(files.get(req.url ?? '') ?? ''));
  await new Promise<void>((r) => cdn.listen(0, '127.0.0.1', r));
  const cdnBase = `http://127.0.0.1:${(cdn.address() as { port: number }).port}`;
  const gateway = await new GatewayProcess({
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `bench-media-${randomBytes(4).toString('hex')}`,
    AUTHENTICATION_API_KEY: API_KEY,
    WA_WEBSOCKET_URL: fake.url,
    NODE_EXTRA_CA_CERTS: fake.media!.caCertPath,
    MEDIA_LOCAL_DIR: mediaDir,
    LOG_LEVEL: 'warn',
  }).start();
  const pid = gateway.pid!;
  const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, videoMb, uploads, uploadMb };
  try {
    const created = await gateway.api('POST', '/instance/create', {
      apikey: API_KEY,
      body: { instanceName: 'mem', webhook: { url: `${receiver.url}/h`, byEvents: true, base64: true, events: [] } },
    });
    if (created.status !== 201) throw new Error(`create: ${created.status}`);
    const qr = await receiver.waitFor((w) => w.path === '/h/qrcode-updated');
    const me = await fake.scan(qr.body.data.qrcode.code, { pushName: 'Bench' });
    await receiver.waitFor((w) => w.path === '/h/connection-update' && w.body.data.state === 'open');
    const alice = fake.createAccount({ pushName: 'Alice' });
    const baileys = await loadBaileys();

    const receive = async (bytes: Buffer) => {
      const enc = await baileys.encryptedStream(bytes, 'video');
      const path = `/v${files.size}`;
      files.set(path, await readFile(enc.encFilePath));
      await rm(enc.encFilePath, { force: true });
      const video = { url: `${cdnBase}${path}`, mimetype: 'video/mp4', mediaKey: enc.mediaKey, fileEncSha256: enc.fileEncSha256, fileSha256: enc.fileSha256, fileLength: enc.fileLength };
      const key = await fake.sendMessage(me.jid, alice.phone, { videoMessage: video });
      const w = await receiver.waitFor((x) => x.path === '/h/messages-upsert' && x.body.data.key.id === key.id, 120_000);
      files.delete(path);
      return w.body.data.message as { mediaUrl?: string };
    };
    const upload = async (bytes: Buffer, mediatype: 'video' | 'document', mimetype: string, name: string) => {
      const form = new FormData();
      form.set('number', alice.phone);
      form.set('mediatype', mediatype);
      form.set('mimetype', mimetype);
      form.set('file', new Blob([bytes], { type: mimetype }), name);
      const res = await fetch(`${gateway.url}/message/sendMedia/mem`, { method: 'POST', headers: { apikey: API_KEY }, body: form });
      if (res.status !== 201) throw new Error(`sendMedia: ${res.status} ${await res.text()}`);
    };

    // warm-up: one small media each way, so first-use allocations are not counted as media
    await receive(randomBytes(100_000));
    await upload(randomBytes(100_000), 'document', 'application/pdf', 'w.pdf');

    const phase = async (name: string, run: () => Promise<unknown>) => {
      const baseline = await settledRss(pid);
      resetPeak(pid);
      const t0 = now();
      await run();
      const ms = now() - t0;
      const peak = status(pid, 'VmHWM');
      const after = await settledRss(pid);
      const row = { baselineMb: round(baseline, 1), peakMb: round(peak, 1), growthMb: round(peak - baseline, 1), afterMb: round(after, 1), ms: round(ms, 0) };
      results[name] = row;
      console.log(name, JSON.stringify(row));
    };

    const video = randomBytes(videoMb * MB);
    await phase(`receive ${videoMb} MB video (stored, by URL)`, async () => {
      const m = await receive(video);
      if (!m.mediaUrl) throw new Error('no mediaUrl');
    });
    await phase(`send ${videoMb} MB video (multipart)`, () => upload(video, 'video', 'video/mp4', 'v.mp4'));
    const doc = randomBytes(uploadMb * MB);
    await phase(`${uploads} x ${uploadMb} MB uploads at once`, () =>
      Promise.all(Array.from({ length: uploads }, (_, i) => upload(doc, 'document', 'application/pdf', `d${i}.pdf`))),
    );
    console.log('saved', saveResults('media-memory', results));
  } finally {
    await gateway.stop('SIGKILL');
    cdn.close();
    await Promise.allSettled([fake.close(), receiver.stop(), db.drop(), rm(mediaDir, { recursive: true, force: true })]);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
