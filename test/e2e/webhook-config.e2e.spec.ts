import type { ReceivedWebhook } from '@gw/testing';
import type { GatewayProcess } from '@gw/testing';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';

/** Webhook configuration routes, global webhook, APPLICATION_STARTUP and NEW_TOKEN. */
describe('webhook configuration (e2e)', () => {
  const env = new E2eEnvironment();
  let gateway: GatewayProcess;
  let token: string;
  const global = () => `${env.receiver.url}/global`;

  beforeAll(async () => {
    await env.start();
    gateway = await env.startGateway({
      WEBHOOK_GLOBAL_ENABLED: 'true',
      WEBHOOK_GLOBAL_URL: global(),
      WEBHOOK_GLOBAL_WEBHOOK_BY_EVENTS: 'true',
      WEBHOOK_EVENTS_APPLICATION_STARTUP: 'true',
      WEBHOOK_EVENTS_QRCODE_UPDATED: 'true',
      WEBHOOK_EVENTS_CONNECTION_UPDATE: 'false',
      WEBHOOK_EVENTS_INSTANCE_CREATE: 'true',
    });
    const res = await gateway.api('POST', '/instance/create', { apikey: API_KEY, body: { instanceName: 'hooked' } });
    expect(res.status).toBe(201);
    token = res.body.hash;
  });

  afterAll(() => env.stop());

  const set = (path: string, body: unknown, apikey = API_KEY) => gateway.api('POST', path, { apikey, body });
  const find = async () => (await gateway.api('GET', '/webhook/find/hooked', { apikey: API_KEY })).body;

  it('sends APPLICATION_STARTUP once to the global webhook at boot, and INSTANCE_CREATE', async () => {
    const startup = await env.receiver.waitFor((w) => w.body?.event === 'application.startup' && w.path === '/global/application-startup');
    expect(startup.body).toMatchObject({ instance: null, data: { status: 'started' } });
    const created = await env.receiver.waitFor((w) => w.body?.event === 'instance.create' && w.body.instance === 'hooked');
    expect(created.path).toBe('/global/instance-create');
    expect(created.body.data).toEqual({ instanceName: 'hooked', instanceId: expect.any(String) });
  });

  it('find answers null before any webhook is set', async () => {
    const res = await gateway.api('GET', '/webhook/find/hooked', { apikey: API_KEY });
    expect(res).toEqual({ status: 200, body: null });
  });

  it('accepts the four body shapes and stores the same config', async () => {
    const url = 'http://n8n:5678/webhook/wa'; // TLD-less hosts are valid (docker service names)
    const shapes = [
      { enabled: true, url, webhook_by_events: true, webhook_base64: true, events: ['MESSAGES_UPSERT', 'GROUP_UPDATE'] },
      { webhook: { enabled: true, url, byEvents: true, base64: true, events: ['MESSAGES_UPSERT', 'GROUPS_UPDATE'] } },
      { enabled: true, url, webhookByEvents: true, webhookBase64: true, events: ['MESSAGES_UPSERT', 'GROUPS_UPDATE'] },
      { webhook: { enabled: true, url, webhookByEvents: true, webhookBase64: true, events: ['MESSAGES_UPSERT', 'GROUPS_UPDATE'] } },
    ];
    const stored = [];
    for (const body of shapes) {
      const res = await set('/webhook/set/hooked', body);
      expect(res.status).toBe(201);
      const row = await find();
      expect(row).toMatchObject({ id: res.body.id, instanceId: res.body.instanceId });
      stored.push({ url: row.url, enabled: row.enabled, events: row.events, byEvents: row.webhookByEvents, base64: row.webhookBase64 });
    }
    expect(stored[0]).toEqual({ url, enabled: true, events: ['MESSAGES_UPSERT', 'GROUPS_UPDATE'], byEvents: true, base64: true });
    for (const s of stored) expect(s).toEqual(stored[0]);
  });

  it('rejects bad URLs and unknown events with 400 naming the field', async () => {
    const badUrl = await set('/webhook/set/hooked', { webhook: { enabled: true, url: 'ftp://x.example' } });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.response.message).toContain('webhook.url must be an http(s) URL');
    const flatBad = await set('/webhook/set/hooked', { enabled: true, url: 'nope' });
    expect(flatBad.body.response.message).toContain('url must be an http(s) URL');
    const missing = await set('/webhook/set/hooked', {});
    expect(missing.status).toBe(400);
    const badEvent = await set('/webhook/set/hooked', { url: 'http://x.test/h', events: ['MESSAGE_UPSERT'] });
    expect(badEvent.status).toBe(400);
    expect(badEvent.body.response.message[0]).toMatch(/unknown events \(MESSAGE_UPSERT\); valid events: APPLICATION_STARTUP, .*MESSAGES_UPSERT/);
  });

  it('serves the aliases: /webhook/instance/:name and /webhook/instance with a body name or the instance token', async () => {
    const a = await set('/webhook/instance/hooked', { url: 'http://a.test/x' });
    expect(a.status).toBe(201);
    expect((await find()).url).toBe('http://a.test/x');
    const b = await set('/webhook/instance', { instanceName: 'hooked', url: 'http://b.test/x' });
    expect(b.status).toBe(201);
    expect((await find()).url).toBe('http://b.test/x');
    const c = await set('/webhook/instance', { url: 'http://c.test/x' }, token);
    expect(c.status).toBe(201);
    expect((await find()).url).toBe('http://c.test/x');
    expect((await set('/webhook/instance', { url: 'http://d.test/x' })).status).toBe(400);
    expect((await set('/webhook/instance', { instanceName: 'ghost', url: 'http://d.test/x' })).status).toBe(404);
  });

  it('delivers to instance and global webhooks independently, with custom headers; a disabled switch suppresses', async () => {
    const hook = `${env.receiver.url}/inst`;
    await set('/webhook/set/hooked', {
      webhook: { url: hook, byEvents: false, headers: { 'x-api-token': 'abc123' }, events: ['QRCODE_UPDATED', 'CONNECTION_UPDATE'] },
    });
    const since = Date.now();
    expect((await gateway.api('POST', '/instance/restart/hooked', { apikey: API_KEY })).status).toBe(200);
    const inst = await env.receiver.waitFor((w) => w.path === '/inst' && w.body?.event === 'qrcode.updated' && w.receivedAt >= since);
    expect(inst.headers['x-api-token']).toBe('abc123');
    expect(inst.body.destination).toBe(hook);
    const glob = await env.receiver.waitFor((w) => w.path === '/global/qrcode-updated' && w.receivedAt >= since);
    expect(glob.headers['x-api-token']).toBeUndefined();
    expect(glob.body.data.qrcode.code).toBe(inst.body.data.qrcode.code);
    // CONNECTION_UPDATE reaches the instance webhook, but its global switch is off
    await env.receiver.waitFor((w) => w.path === '/inst' && w.body?.event === 'connection.update' && w.receivedAt >= since);
    expect(await env.jobsFor(`${global()}/connection-update`)).toHaveLength(0);
  });

  it('enabled:false stops delivery to the instance webhook (the global one still gets the event)', async () => {
    const hook = `${env.receiver.url}/off`;
    await set('/webhook/set/hooked', { enabled: false, url: hook, events: [] });
    expect(await find()).toMatchObject({ enabled: false, url: hook });
    const since = Date.now();
    await gateway.api('POST', '/instance/restart/hooked', { apikey: API_KEY });
    await env.receiver.waitFor((w) => w.path === '/global/qrcode-updated' && w.receivedAt >= since);
    expect(await env.jobsFor(hook)).toHaveLength(0);
  });

  it('refreshToken rotates the token and sends NEW_TOKEN', async () => {
    await set('/webhook/set/hooked', { url: `${env.receiver.url}/tok`, events: ['NEW_TOKEN'] });
    const res = await gateway.api('PUT', '/instance/refreshToken/hooked', { apikey: token });
    expect(res.status).toBe(200);
    const fresh = res.body.hash;
    expect(fresh).not.toBe(token);
    const ev = await env.receiver.waitFor((w) => w.path === '/tok' && w.body?.event === 'new.token');
    expect(ev.body.data).toEqual({ instanceName: 'hooked', instanceId: expect.any(String), token: fresh });
    expect((await gateway.api('GET', '/instance/connectionState/hooked', { apikey: token })).status).toBe(401);
    expect((await gateway.api('GET', '/instance/connectionState/hooked', { apikey: fresh })).status).toBe(200);
  });

  it('after a restart, instance webhooks subscribed to APPLICATION_STARTUP receive it too', async () => {
    await set('/webhook/set/hooked', { url: `${env.receiver.url}/boot`, events: ['APPLICATION_STARTUP'] });
    await gateway.stop('SIGTERM');
    gateway = await env.startGateway({ WEBHOOK_GLOBAL_ENABLED: 'false' });
    const ev = await env.receiver.waitFor((w) => w.path === '/boot' && w.body?.event === 'application.startup');
    expect(ev.body).toMatchObject({ instance: 'hooked', data: { status: 'started', instance: 'hooked' } });
  });

});
