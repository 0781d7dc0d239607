import type { GatewayProcess, ReceivedWebhook } from '@gw/testing';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';

type Kind = 'image' | 'video';

/** Serves encrypted media the way WhatsApp's CDN does; the fake contact's message points here. */
class MediaCdn {
  private readonly files = new Map<string, Buffer>();
  private server?: Server;
  base = '';

  async start() {
    this.server = createServer((req, res) => {
      const file = this.files.get(req.url ?? '');
      res.statusCode = file ? 200 : 404;
      res.end(file ?? '');
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  /** The message content for `bytes` sent as an image or video. */
  async message(path: string, bytes: Buffer, kind: Kind, mimetype: string) {
    const baileys = await import('@whiskeysockets/baileys');
    const enc = await baileys.encryptedStream(bytes, kind);
    this.files.set(path, await readFile(enc.encFilePath));
    await rm(enc.encFilePath, { force: true });
    return {
      [`${kind}Message`]: {
        url: `${this.base}${path}`,
        mimetype,
        mediaKey: enc.mediaKey,
        fileEncSha256: enc.fileEncSha256,
        fileSha256: enc.fileSha256,
        fileLength: enc.fileLength,
      },
    };
  }

  forget() {
    this.files.clear();
  }

  close() {
    this.server?.close();
  }
}

const download = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
};

/** Webhook at /hooks/messages-upsert for one message id. */
const upsertOf = (env: E2eEnvironment, id: string) =>
  env.receiver.waitFor((w: ReceivedWebhook) => w.path === '/hooks/messages-upsert' && w.body.data.key.id === id, 30_000, `upsert ${id}`);

describe('media storage with S3 (s3rver on 127.0.0.1) (e2e)', () => {
  const env = new E2eEnvironment();
  const cdn = new MediaCdn();
  let s3: S3rver;
  let s3Dir: string;
  let gateway: GatewayProcess;
  let me: { jid: string };
  let alice: { phone: string };

  beforeAll(async () => {
    s3Dir = await mkdtemp(join(tmpdir(), 's3rver-'));
    s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3Dir, configureBuckets: [{ name: 'wa-media', configs: [] }] });
    const { port } = (await s3.run()) as { port: number };
    // mediaHost: the fake's media servers take what the gateway uploads when it sends media
    await Promise.all([env.start({ mediaHost: true }), cdn.start()]);
    gateway = await env.startGateway({
      S3_ENABLED: 'true',
      S3_ENDPOINT: '127.0.0.1',
      S3_PORT: String(port),
      S3_USE_SSL: 'false',
      S3_BUCKET: 'wa-media',
      // s3rver's only account; signatures are checked, so a wrong secret would fail every upload
      S3_ACCESS_KEY: 'S3RVER',
      S3_SECRET_KEY: 'S3RVER',
      MEDIA_URL_TTL_S: '600',
      WEBHOOK_BASE64_MAX_BYTES: String(16 * 1024 * 1024),
    });
    ({ me } = await env.linkInstance(gateway, 'stored'));
    alice = env.fake.createAccount({ pushName: 'Alice' });
  });

  afterAll(async () => {
    cdn.close();
    await env.stop();
    await s3?.close();
    await rm(s3Dir, { recursive: true, force: true });
  });

  it("an incoming image's webhook carries a presigned mediaUrl whose download equals the original bytes", async () => {
    const original = randomBytes(40_000);
    const key = await env.fake.sendMessage(me.jid, alice.phone, await cdn.message('/img', original, 'image', 'image/jpeg'));
    const w = await upsertOf(env, key.id);
    expect(w.body.data.messageType).toBe('imageMessage');
    expect(w.body.data.message.base64).toBeUndefined(); // the webhook did not ask for base64
    const url = new URL(w.body.data.message.mediaUrl);
    expect(url.pathname).toBe(`/wa-media/${w.body.data.instanceId}/${key.id}`); // path-style
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
    const got = await download(url.href);
    expect(got.status).toBe(200);
    expect(got.type).toBe('image/jpeg');
    expect(got.body.equals(original)).toBe(true);

    // getBase64FromMediaMessage serves the stored copy: WhatsApp's CDN no longer has it
    cdn.forget();
    const res = await gateway.api('POST', '/chat/getBase64FromMediaMessage/stored', { apikey: API_KEY, body: { message: { key: { id: key.id } } } });
    expect(res.status).toBe(201);
    expect(Buffer.from(res.body.base64, 'base64').equals(original)).toBe(true);
  });

  it('media we send is stored too: the send response and SEND_MESSAGE carry its mediaUrl (before the webhook is narrowed below)', async () => {
    const original = randomBytes(25_000);
    const res = await gateway.api('POST', '/message/sendMedia/stored', {
      apikey: API_KEY,
      body: { number: alice.phone, mediatype: 'document', mimetype: 'application/pdf', fileName: 'a.pdf', media: original.toString('base64') },
    });
    expect(res.status).toBe(201);
    const got = await download(res.body.message.mediaUrl);
    expect(got.type).toBe('application/pdf');
    expect(got.body.equals(original)).toBe(true);
    const sent = await env.receiver.waitFor((w) => w.path === '/hooks/send-message' && w.body.data.key.id === res.body.key.id);
    expect(sent.body.data.message.mediaUrl).toEqual(expect.stringContaining(`/wa-media/${res.body.instanceId}/${res.body.key.id}?`));
  });

  it('an incoming 8 MB video with base64 asked is delivered by URL instead of dropped as too_large', async () => {
    await gateway.api('POST', '/webhook/set/stored', {
      apikey: API_KEY,
      body: { webhook: { enabled: true, url: `${env.receiver.url}/hooks`, byEvents: true, base64: true, events: ['MESSAGES_UPSERT'] } },
    });
    const original = randomBytes(8 * 1024 * 1024);
    const key = await env.fake.sendMessage(me.jid, alice.phone, await cdn.message('/video', original, 'video', 'video/mp4'));
    const w = await upsertOf(env, key.id);
    expect(w.body.data.messageType).toBe('videoMessage');
    expect(w.body.data.message).toMatchObject({ base64: null, base64Omitted: { reason: 'body-too-large', size: original.length } });
    const got = await download(w.body.data.message.mediaUrl);
    expect(got.body.equals(original)).toBe(true);
    const log = await gateway.api('GET', '/webhook/deliveries/stored?status=too_large', { apikey: API_KEY });
    expect(JSON.stringify(log.body)).not.toContain(key.id);
  });

  it('never logs the S3 credentials', () => {
    expect(gateway.logs.join('\n')).toMatch(/media stored in S3 bucket .{0,2}"wa-media.{0,2}" at http:\/\/127\.0\.0\.1:\d+/);
    expect(gateway.logs.join('\n')).not.toContain('S3RVER');
  });
});

describe('media storage without S3: signed URLs served by the gateway (e2e)', () => {
  const env = new E2eEnvironment();
  const cdn = new MediaCdn();
  let mediaDir: string;
  let gateway: GatewayProcess;
  let me: { jid: string };
  let alice: { phone: string };

  beforeAll(async () => {
    mediaDir = await mkdtemp(join(tmpdir(), 'gw-media-'));
    await Promise.all([env.start(), cdn.start()]);
    gateway = await env.startGateway({ MEDIA_LOCAL_DIR: mediaDir, WEBHOOK_BASE64_MAX_BYTES: String(16 * 1024 * 1024) });
    ({ me } = await env.linkInstance(gateway, 'local'));
    await gateway.api('POST', '/webhook/set/local', {
      apikey: API_KEY,
      body: { webhook: { enabled: true, url: `${env.receiver.url}/hooks`, byEvents: true, base64: true, events: ['MESSAGES_UPSERT'] } },
    });
    alice = env.fake.createAccount({ pushName: 'Alice' });
  });

  afterAll(async () => {
    cdn.close();
    await env.stop();
    await rm(mediaDir, { recursive: true, force: true });
  });

  it('an incoming 8 MB video arrives with a gateway-signed mediaUrl (no S3); changed or expired URLs are refused', async () => {
    const original = randomBytes(8 * 1024 * 1024);
    const key = await env.fake.sendMessage(me.jid, alice.phone, await cdn.message('/video', original, 'video', 'video/mp4'));
    const w = await upsertOf(env, key.id);
    expect(w.body.data.message).toMatchObject({ base64: null, base64Omitted: { reason: 'body-too-large', size: original.length } });
    const url = new URL(w.body.data.message.mediaUrl);
    expect(url.pathname).toBe(`/media/${w.body.data.instanceId}/${key.id}`);
    // served under SERVER_URL (here its default, localhost:PORT), without an API key
    const got = await download(url.href);
    expect(got.status).toBe(200);
    expect(got.type).toBe('video/mp4');
    expect(got.body.equals(original)).toBe(true);

    const tampered = (param: string, value: string) => {
      const u = new URL(url.href);
      u.searchParams.set(param, value);
      return u.href;
    };
    for (const bad of [
      tampered('expires', String(Number(url.searchParams.get('expires')) + 3600)),
      tampered('type', 'text/html'),
      tampered('signature', 'x'.repeat(43)),
      tampered('expires', String(Math.floor(Date.now() / 1000) - 1)),
    ]) {
      const res = await fetch(bad);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ status: 403, error: 'Forbidden', response: { message: ['The media URL is invalid or has expired'] } });
    }
    const other = await fetch(`${url.origin}/media/${w.body.data.instanceId}/NOPE${url.search}`);
    expect(other.status).toBe(403); // the signature covers the object too
  });

  it('media small enough is still inlined as base64, and is also stored', async () => {
    const original = randomBytes(20_000);
    const key = await env.fake.sendMessage(me.jid, alice.phone, await cdn.message('/img', original, 'image', 'image/png'));
    const w = await upsertOf(env, key.id);
    expect(Buffer.from(w.body.data.message.base64, 'base64').equals(original)).toBe(true);
    const got = await download(w.body.data.message.mediaUrl);
    expect(got.type).toBe('image/png');
    expect(got.body.equals(original)).toBe(true);
  });
});
