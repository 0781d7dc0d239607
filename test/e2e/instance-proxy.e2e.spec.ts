import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { FakeGraphApiServer, HttpConnectProxy, SocksProxyProcess, loadBaileys, type GatewayProcess, type PairedAccount, type ReceivedWebhook } from '@gw/testing';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

/**
 * A proxy per instance (issue #18), end to end: the real gateway and Baileys, our fake WhatsApp
 * server (with its HTTPS media host), and two real proxies on 127.0.0.1: proxy-chain (HTTP
 * CONNECT, basic auth) and Debian's microsocks (SOCKS5, user/password). Each proxy records the
 * connections it carries and opens them from its own loopback address (127.0.0.3 / 127.0.0.2),
 * so the fake server also sees which way the WhatsApp websocket came in.
 */
describe('proxy per instance (e2e)', () => {
  const env = new E2eEnvironment();
  const NAME = 'proxied';
  const HTTP_PASSWORD = 'http-Secret:pw@1';
  const SOCKS_PASSWORD = 'socks-Secret-pw-2';
  const http = new HttpConnectProxy('gw-http', HTTP_PASSWORD, '127.0.0.3');
  const socks = new SocksProxyProcess('gw-socks', SOCKS_PASSWORD, '127.0.0.2');
  let gateway: GatewayProcess;
  let me: PairedAccount;
  let alice: { jid: string; phone: string };
  let waHost: string;
  let graph: FakeGraphApiServer;
  const CLOUD = { phoneNumberId: '106540352242922', businessAccountId: '102290129340398', displayPhoneNumber: '15550783881', token: 'EAAG-proxy-test-token' };
  /** A web server the media URLs point at; it notes where each request came from. */
  let web: Server;
  let webBase: string;
  const webFrom: string[] = [];
  /** Encrypted media blobs the web server serves by path (WhatsApp's media CDN, for downloads). */
  const files = new Map<string, Buffer>();

  const api = (method: string, path: string, body?: unknown) => gateway.api(method, path, { apikey: API_KEY, body });
  const setProxy = (body: unknown, name = NAME) => api('POST', `/proxy/set/${name}`, body);
  const httpProxy = (overrides: Record<string, unknown> = {}) => ({
    enabled: true, host: '127.0.0.1', port: String(http.port), protocol: 'http', username: 'gw-http', password: HTTP_PASSWORD, ...overrides,
  });
  const socksProxy = () => ({ enabled: true, host: '127.0.0.1', port: socks.port, protocol: 'socks5', username: 'gw-socks', password: SOCKS_PASSWORD });
  const hookAfter = (since: number, suffix: string, pred: (w: ReceivedWebhook) => boolean = () => true, timeoutMs = 30_000) =>
    env.receiver.waitFor((w) => w.receivedAt >= since && w.path === `/hooks/${suffix}` && w.body?.instance === NAME && pred(w), timeoutMs, `/hooks/${suffix}`);
  const openAfter = (since: number) => hookAfter(since, 'connection-update', (w) => w.body.data.state === 'open');
  /** Where the fake server sees the account's live websocket coming from. */
  const sessionFrom = () => env.fake.connections.find((c) => c.jid === me.jid && c.phase === 'logged-in')?.remoteAddress;
  const noQrSince = (since: number) => expect(env.receiver.received.filter((w) => w.receivedAt >= since && w.path === '/hooks/qrcode-updated')).toEqual([]);

  /** A message each way over the live websocket, which comes in from `from`. */
  async function roundTrip(label: string, from: string) {
    const since = Date.now();
    await env.fake.sendMessage(me.jid, alice.phone, { conversation: `in ${label}` });
    await hookAfter(since, 'messages-upsert', (w) => w.body.data.message?.conversation === `in ${label}`);
    const sent = await api('POST', `/message/sendText/${NAME}`, { number: alice.phone, text: `out ${label}` });
    expect(sent.status).toBe(201);
    const id = sent.body.key.id;
    const got = env.fake.messagesFromClient.find((m) => m.id === id) ?? (await env.fake.waitFor('client-message', (m) => m.id === id));
    expect(got.accountJid).toBe(me.jid);
    expect(env.fake.connections.find((c) => c.id === got.connectionId)?.remoteAddress).toBe(from);
  }

  async function mediaUpload(label: string) {
    const before = env.fake.media!.uploads.size;
    const res = await api('POST', `/message/sendMedia/${NAME}`, {
      number: alice.phone, mediatype: 'image', media: PNG.toString('base64'), mimetype: 'image/png', caption: label, fileName: 'p.png',
    });
    expect({ status: res.status, body: res.status === 201 ? undefined : res.body }).toEqual({ status: 201, body: undefined });
    expect(res.body.message.imageMessage).toMatchObject({ caption: label });
    expect(env.fake.media!.uploads.size).toBe(before + 1);
  }

  /** A media URL send: the gateway fetches it (through the proxy, if any), then uploads it. */
  async function mediaByUrl(label: string, from: string) {
    const res = await api('POST', `/message/sendMedia/${NAME}`, {
      number: alice.phone, mediatype: 'image', media: `${webBase}/${label}.png`, mimetype: 'image/png', caption: label, fileName: 'u.png',
    });
    expect(res.status).toBe(201);
    expect(webFrom.at(-1)).toBe(from);
  }

  /** An encrypted image from Alice, downloaded by the gateway (getBase64FromMediaMessage) from the CDN. */
  async function mediaDownload(label: string, from: string) {
    const baileys = await loadBaileys();
    const bytes = randomBytes(2048);
    const enc = await baileys.encryptedStream(bytes, 'image');
    files.set(`/${label}.enc`, await readFile(enc.encFilePath));
    await rm(enc.encFilePath, { force: true });
    const since = Date.now();
    const key = await env.fake.sendMessage(me.jid, alice.phone, {
      imageMessage: {
        url: `${webBase}/${label}.enc`, mimetype: 'image/jpeg', mediaKey: enc.mediaKey, fileEncSha256: enc.fileEncSha256,
        fileSha256: enc.fileSha256, fileLength: enc.fileLength, width: 8, height: 8,
      },
    });
    await hookAfter(since, 'messages-upsert', (w) => w.body.data.key.id === key.id);
    const res = await api('POST', `/chat/getBase64FromMediaMessage/${NAME}`, { message: { key: { id: key.id } } });
    expect(res.status).toBe(201);
    expect(Buffer.from(res.body.base64, 'base64').equals(bytes)).toBe(true);
    expect(webFrom.at(-1)).toBe(from);
  }

  beforeAll(async () => {
    web = createServer((req, res) => {
      webFrom.push(req.socket.remoteAddress ?? '');
      const file = files.get(req.url ?? '');
      res.writeHead(200, { 'content-type': file ? 'application/octet-stream' : 'image/png' }).end(file ?? PNG);
    });
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    webBase = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    await env.start({ mediaHost: true });
    await Promise.all([http.start(), socks.start()]);
    waHost = new URL(env.fake.url).host;
    graph = await FakeGraphApiServer.start([{ ...CLOUD, verifiedName: 'Acme' }]);
    gateway = await env.startGateway({ WA_BUSINESS_URL: graph.url, WA_BUSINESS_VERSION: 'v21.0', SEND_MIN_INTERVAL_MS: '0', RECONNECT_BASE_DELAY_MS: '300', RECONNECT_MAX_DELAY_MS: '1500' });
    alice = env.fake.createAccount({ pushName: 'Alice' });
    ({ me } = await env.linkInstance(gateway, NAME));
    expect(sessionFrom()).toBe('127.0.0.1'); // direct to begin with
  });

  afterAll(async () => {
    const logs = gateway?.logs.join('\n') ?? '';
    await Promise.all([http.stop(), socks.stop(), graph?.close()]);
    await env.stop();
    web.closeAllConnections();
    await new Promise((r) => web.close(r));
    // the passwords never reach the gateway's output
    expect(logs).not.toContain(HTTP_PASSWORD);
    expect(logs).not.toContain(SOCKS_PASSWORD);
  });

  it('find is null before any proxy; bad input is a 400 naming the field', async () => {
    expect(await api('GET', `/proxy/find/${NAME}`)).toEqual({ status: 200, body: null });
    const bad = async (body: unknown, field: string) => {
      const res = await setProxy(body);
      expect({ body, res: res.status, error: res.body.error }).toEqual({ body, res: 400, error: 'Bad Request' });
      expect(res.body.response.message.join(' ')).toContain(field);
    };
    await bad({ enabled: true, port: '8080', protocol: 'http' }, 'host');
    await bad(httpProxy({ port: '70000' }), 'port');
    await bad(httpProxy({ port: 'abc' }), 'port');
    await bad(httpProxy({ port: 0 }), 'port');
    await bad(httpProxy({ protocol: 'ftp' }), 'protocol');
    await bad(httpProxy({ host: 'bad host/x' }), 'host');
    await bad({ host: '127.0.0.1' }, 'enabled');
    expect((await api('GET', `/proxy/find/${NAME}`)).body).toBeNull();
  });

  it('a wrong password or a dead proxy is refused at set time (400 "proxy unreachable: ..."); nothing is saved', async () => {
    const wrong = await setProxy(httpProxy({ password: 'not-the-password' }));
    expect(wrong.status).toBe(400);
    expect(wrong.body.response.message[0]).toMatch(/^proxy unreachable: .*407/);
    expect(http.refused).toContain(waHost); // the proxy was asked, and said no
    expect(JSON.stringify(wrong.body)).not.toContain('not-the-password');
    const deadSocks = await setProxy({ ...socksProxy(), port: 1 });
    expect(deadSocks.status).toBe(400);
    expect(deadSocks.body.response.message[0]).toMatch(/^proxy unreachable: .*ECONNREFUSED/);
    expect((await api('GET', `/proxy/find/${NAME}`)).body).toBeNull();
    expect(sessionFrom()).toBe('127.0.0.1');
  });

  it('HTTP CONNECT proxy: set reconnects through it without a QR; messages, media upload and download, media URLs go through it', async () => {
    const since = Date.now();
    const res = await setProxy(httpProxy());
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      proxy: { instanceName: NAME, instanceId: expect.any(String), proxy: { enabled: true, host: '127.0.0.1', port: String(http.port), protocol: 'http', username: 'gw-http' } },
    });
    expect(JSON.stringify(res.body)).not.toContain(HTTP_PASSWORD);
    await openAfter(since);
    noQrSince(since);
    // the proxy carried the websocket to the fake server, and the fake server sees the proxy's address
    expect(http.connections.filter((c) => c.target === waHost && c.at >= since).length).toBeGreaterThanOrEqual(2); // probe + websocket
    expect(sessionFrom()).toBe('127.0.0.3');

    const found = await api('GET', `/proxy/find/${NAME}`);
    expect(found.body).toEqual({
      id: expect.any(String), enabled: true, host: '127.0.0.1', port: String(http.port), protocol: 'http', username: 'gw-http',
      createdAt: expect.any(String), updatedAt: expect.any(String), instanceId: res.body.proxy.instanceId,
    });
    // stored, but never in plain sight of the API
    const [row] = await env.db.query<{ password: string }>('SELECT password FROM "InstanceProxy"');
    expect(row.password).toBeTruthy();

    await roundTrip('http proxy', '127.0.0.3');
    const mediaHost = env.fake.media!.hostname;
    await mediaUpload('via http proxy');
    expect(http.connections.some((c) => c.target === mediaHost)).toBe(true);
    await mediaByUrl('http-url', '127.0.0.3');
    await mediaDownload('http-download', '127.0.0.3');
    // webhook deliveries are the gateway's traffic, not the number's: they never use the proxy
    expect(http.connections.some((c) => c.target === new URL(env.receiver.url).host)).toBe(false);
    expect(http.connections.some((c) => c.target === new URL(webBase).host)).toBe(true);
    expect(sessionFrom()).toBe('127.0.0.3');
  });

  it('SOCKS5 proxy: changing to it reconnects through microsocks; messages, media upload and download, media URLs go through it', async () => {
    const since = Date.now();
    const res = await setProxy(socksProxy());
    expect(res.status).toBe(201);
    expect(res.body.proxy.proxy).toEqual({ enabled: true, host: '127.0.0.1', port: String(socks.port), protocol: 'socks5', username: 'gw-socks' });
    await openAfter(since);
    noQrSince(since);
    await socks.waitFor((c) => c.target === waHost && c.at >= since, 5000, 'websocket tunnel');
    expect(sessionFrom()).toBe('127.0.0.2');
    await roundTrip('socks proxy', '127.0.0.2');
    await mediaUpload('via socks proxy');
    expect(socks.connections.some((c) => c.target === env.fake.media!.hostname)).toBe(true);
    await mediaByUrl('socks-url', '127.0.0.2');
    await mediaDownload('socks-download', '127.0.0.2');
    expect(socks.connections.some((c) => c.target === new URL(env.receiver.url).host)).toBe(false);
  });

  it('disabling goes direct again (no QR); find shows it disabled', async () => {
    const since = Date.now();
    const res = await setProxy({ enabled: false });
    expect(res.status).toBe(201);
    expect(res.body.proxy.proxy).toEqual({ enabled: false, host: '', port: '', protocol: '', username: '' });
    await openAfter(since);
    noQrSince(since);
    expect(sessionFrom()).toBe('127.0.0.1');
    expect((await api('GET', `/proxy/find/${NAME}`)).body).toMatchObject({ enabled: false, host: '', port: '' });
    await roundTrip('direct', '127.0.0.1');
    await mediaByUrl('direct-url', '127.0.0.1');
  });

  it('a proxy that dies while connected: CONNECTION_UPDATE with the reason, reconnects with backoff, recovers when it returns', async () => {
    let since = Date.now();
    expect((await setProxy(httpProxy())).status).toBe(201);
    await openAfter(since);
    expect(sessionFrom()).toBe('127.0.0.3');

    since = Date.now();
    const retries = gateway.waitForLog(new RegExp(`instance ${NAME}: reconnect #\\d+ in \\d+ ms`), 3, 30_000);
    const port = http.port;
    await http.stop(); // cuts the tunnel and refuses new ones
    const update = await hookAfter(since, 'connection-update', (w) => w.body.data.state === 'connecting' && /ECONNREFUSED/.test(w.body.data.reason ?? ''));
    expect(update.body.data).toMatchObject({ instance: NAME, state: 'connecting', statusReason: expect.any(Number) });
    expect(update.body.data.reason).toContain(`127.0.0.1:${port}`);
    await retries; // backoff: several spaced attempts, the process stays up
    const attempts = gateway.logs.filter((l) => l.includes(`instance ${NAME}: reconnect #`)).map((l) => Number(/reconnect #(\d+)/.exec(l)![1]));
    expect(Math.max(...attempts)).toBeGreaterThanOrEqual(3);
    expect((await api('GET', `/instance/connectionState/${NAME}`)).body).toMatchObject({ instance: { state: 'connecting' } });

    since = Date.now();
    await http.start(port);
    await openAfter(since);
    noQrSince(since);
    expect(sessionFrom()).toBe('127.0.0.3');
    await roundTrip('after the proxy came back', '127.0.0.3');
  });

  it('create accepts Evolution\'s proxy fields (checked first: an unreachable proxy creates nothing)', async () => {
    const refused = await api('POST', '/instance/create', {
      instanceName: 'proxied-2', proxyHost: '127.0.0.1', proxyPort: String(socks.port), proxyProtocol: 'socks5', proxyUsername: 'gw-socks', proxyPassword: 'wrong',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.response.message[0]).toMatch(/^proxy unreachable: /);
    expect(JSON.stringify(refused.body)).not.toContain('wrong');
    expect((await api('GET', '/instance/fetchInstances?instanceName=proxied-2')).status).toBe(404);
    const badPort = await api('POST', '/instance/create', { instanceName: 'proxied-2', proxyHost: '127.0.0.1', proxyPort: '99999', proxyProtocol: 'http' });
    expect(badPort.status).toBe(400);
    expect(badPort.body.response.message.join(' ')).toContain('proxyPort');

    const since = Date.now();
    const created = await api('POST', '/instance/create', {
      instanceName: 'proxied-2', proxyHost: '127.0.0.1', proxyPort: String(socks.port), proxyProtocol: 'socks5', proxyUsername: 'gw-socks', proxyPassword: SOCKS_PASSWORD,
      webhook: { url: `${env.receiver.url}/hooks2`, byEvents: true, events: ['QRCODE_UPDATED'] },
    });
    expect(created.status).toBe(201);
    // its very first connection (the QR) already goes through the proxy
    await env.receiver.waitFor((w) => w.path === '/hooks2/qrcode-updated' && w.receivedAt >= since);
    const registration = env.fake.connections.filter((c) => c.phase === 'registration' && c.remoteAddress === '127.0.0.2');
    expect(registration.length).toBeGreaterThanOrEqual(1);
    expect((await api('GET', '/proxy/find/proxied-2')).body).toMatchObject({ enabled: true, protocol: 'socks5', port: String(socks.port), username: 'gw-socks' });
  });

  it('a Cloud API instance makes its Graph API calls through its proxy (and only through it)', async () => {
    const graphHost = new URL(graph.url).host;
    const since = Date.now();
    const created = await api('POST', '/instance/create', {
      instanceName: 'cloud-proxied', integration: 'WHATSAPP-BUSINESS', number: CLOUD.phoneNumberId, token: CLOUD.token, businessId: CLOUD.businessAccountId,
      proxyHost: '127.0.0.1', proxyPort: http.port, proxyProtocol: 'http', proxyUsername: 'gw-http', proxyPassword: HTTP_PASSWORD,
    });
    expect(created.status).toBe(201);
    expect(created.body.instance.status).toBe('open');
    // the set-time probe and the session's own tunnel
    expect(http.connections.filter((c) => c.target === graphHost && c.at >= since).length).toBeGreaterThanOrEqual(2);
    const sent = await api('POST', '/message/sendText/cloud-proxied', { number: '5511988887777', text: 'via the proxy' });
    expect(sent.status).toBe(201);
    await graph.waitFor((r) => r.path.endsWith('/messages') && r.body?.text?.body === 'via the proxy');
    // with the proxy gone the Graph API is out of reach: the calls never went around it
    const port = http.port;
    await http.stop();
    try {
      const cut = await api('POST', '/message/sendText/cloud-proxied', { number: '5511988887777', text: 'no proxy, no send' });
      expect(cut.status).toBe(400);
      expect(graph.requests.some((r) => r.body?.text?.body === 'no proxy, no send')).toBe(false);
    } finally {
      await http.start(port);
    }
  });
});
