import type { ReceivedWebhook } from '@gw/testing';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';
import type { GatewayProcess } from '@gw/testing';
import { decodeQrDataUrl } from '@gw/testing';

/**
 * The first user journey, end to end: real gateway process, real Baileys inside it, our
 * fake WhatsApp server, real Postgres/Redis and a real HTTP webhook receiver.
 */
describe('instance lifecycle (e2e)', () => {
  const env = new E2eEnvironment();
  let gateway: GatewayProcess;
  const name = 'journey';
  let hookBase: string;
  let account: { jid: string };
  let instanceId: string;

  beforeAll(async () => {
    await env.start();
    gateway = await env.startGateway();
    hookBase = `${env.receiver.url}/hooks/${name}`;
  });

  afterAll(() => env.stop());

  const forInstance = (event: string, path?: string) => (w: ReceivedWebhook) =>
    w.body?.event === event && w.body?.instance === name && (!path || w.path === path);

  it('create with a webhook: QRCODE_UPDATED arrives at /qrcode-updated with a PNG of the code', async () => {
    // This gateway has no RabbitMQ: asking for it is a 400 and saves nothing (the name stays free).
    const noBroker = await gateway.api('POST', '/instance/create', { apikey: API_KEY, body: { instanceName: name, rabbitmq: { enabled: true } } });
    expect(noBroker.status).toBe(400);
    expect(noBroker.body.response.message[0]).toContain('RabbitMQ is disabled on this gateway');
    const createdAt = Date.now();
    const res = await gateway.api('POST', '/instance/create', {
      apikey: API_KEY,
      body: {
        instanceName: name,
        integration: 'WHATSAPP-BAILEYS',
        webhook: { url: hookBase, byEvents: true, events: ['QRCODE_UPDATED', 'CONNECTION_UPDATE', 'LOGOUT_INSTANCE'] },
        rabbitmq: { enabled: false }, // "off" is fine without a broker
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.rabbitmq).toEqual({ enabled: false });
    expect(res.body.instance).toMatchObject({ instanceName: name, integration: 'WHATSAPP-BAILEYS' });
    expect(typeof res.body.hash).toBe('string');
    expect(res.body.webhook).toMatchObject({ webhookUrl: hookBase, webhookByEvents: true });
    instanceId = res.body.instance.instanceId;

    const qr = await env.receiver.waitFor(forInstance('qrcode.updated', '/hooks/journey/qrcode-updated'));
    process.stdout.write(`create -> first QR webhook: ${qr.receivedAt - createdAt} ms\n`);
    expect(qr.body).toMatchObject({
      event: 'qrcode.updated',
      instance: name,
      destination: `${hookBase}/qrcode-updated`,
      server_url: expect.any(String),
      apikey: null,
    });
    expect(new Date(qr.body.date_time).toISOString()).toBe(qr.body.date_time);
    const { qrcode } = qr.body.data;
    expect(qrcode).toMatchObject({ instance: name, pairingCode: null });
    expect(qrcode.base64).toMatch(/^data:image\/png;base64,/);
    expect(decodeQrDataUrl(qrcode.base64)).toBe(qrcode.code);
    expect(qr.headers['webhook-id']).toMatch(/^msg_/);

    // connect while waiting for a scan returns the same QR in Evolution's shape
    const connect = await gateway.api('GET', `/instance/connect/${name}`, { apikey: API_KEY });
    expect(connect.status).toBe(200);
    expect(connect.body).toMatchObject({ code: expect.any(String), base64: expect.any(String), count: expect.any(Number) });
  });

  it('scanning the QR opens the connection: CONNECTION_UPDATE open, connectionState open', async () => {
    const latest = env.receiver.events('qrcode.updated', name).at(-1)!;
    account = await env.fake.scan(latest.body.data.qrcode.code);

    const open = await env.receiver.waitFor(
      (w) => forInstance('connection.update', '/hooks/journey/connection-update')(w) && w.body.data.state === 'open',
    );
    expect(open.body.data).toMatchObject({ instance: name, state: 'open', statusReason: 200, wuid: account.jid });
    expect(open.body.sender).toBe(account.jid);

    const state = await gateway.api('GET', `/instance/connectionState/${name}`, { apikey: API_KEY });
    expect(state).toEqual({ status: 200, body: { instance: { instanceName: name, state: 'open' } } });

    const rows = await env.db.query<{ n: string }>('SELECT count(*)::text AS n FROM "AuthKey" WHERE "instanceId" = $1', [instanceId]);
    expect(Number(rows[0].n)).toBeGreaterThan(0);
  });

  it('a new gateway process resumes the session from Postgres without a new QR', async () => {
    const qrBefore = env.receiver.events('qrcode.updated', name).length;
    const opensBefore = env.receiver.events('connection.update', name).filter((w) => w.body.data.state === 'open').length;
    await gateway.stop('SIGKILL');
    const restartedAt = Date.now();
    gateway = await env.startGateway();

    await env.receiver.waitFor(
      (w) => forInstance('connection.update')(w) && w.body.data.state === 'open' && w.receivedAt >= restartedAt,
    );
    const state = await gateway.api('GET', `/instance/connectionState/${name}`, { apikey: API_KEY });
    expect(state.body.instance.state).toBe('open');
    expect(env.receiver.events('qrcode.updated', name)).toHaveLength(qrBefore);
    expect(env.receiver.events('connection.update', name).filter((w) => w.body.data.state === 'open').length).toBe(opensBefore + 1);
    process.stdout.write(`restart -> open again: ${Date.now() - restartedAt} ms (boot ${gateway.bootMs} ms)\n`);
  });

  it('logout unlinks the device on WhatsApp, erases the auth state, and connect gives a new QR', async () => {
    const loggedOut = new Promise((resolve) => env.fake.once('logout', resolve));
    const res = await gateway.api('DELETE', `/instance/logout/${name}`, { apikey: API_KEY });
    expect(res).toEqual({ status: 200, body: { status: 'SUCCESS', error: false, response: { message: 'Instance logged out' } } });
    await loggedOut;
    expect(env.fake.logouts.map((l) => l.jid)).toContain(account.jid);

    const rows = await env.db.query<{ n: string }>(
      'SELECT ((SELECT count(*) FROM "AuthKey" WHERE "instanceId" = $1) + (SELECT count(*) FROM "AuthCred" WHERE "instanceId" = $1))::text AS n',
      [instanceId],
    );
    expect(rows[0].n).toBe('0');
    const close = await env.receiver.waitFor((w) => forInstance('connection.update')(w) && w.body.data.state === 'close');
    expect(close.body.data.statusReason).toBe(401);
    await env.receiver.waitFor(forInstance('logout.instance', '/hooks/journey/logout-instance'));

    const state = await gateway.api('GET', `/instance/connectionState/${name}`, { apikey: API_KEY });
    expect(state.body.instance.state).toBe('close');
    const qrCountBefore = env.receiver.events('qrcode.updated', name).length;
    const connect = await gateway.api('GET', `/instance/connect/${name}`, { apikey: API_KEY });
    expect(connect.status).toBe(200);
    expect(connect.body.code).toEqual(expect.any(String));
    expect(connect.body.count).toBe(1);
    const newQr = await env.receiver.waitFor(
      (w) => forInstance('qrcode.updated')(w) && env.receiver.events('qrcode.updated', name).indexOf(w) >= qrCountBefore,
    );
    expect(newQr.body.data.qrcode.code).toBe(connect.body.code);
  });

  it('delete removes every row of the instance and answers 404 afterwards', async () => {
    const res = await gateway.api('DELETE', `/instance/delete/${name}`, { apikey: API_KEY });
    expect(res).toEqual({ status: 200, body: { status: 'SUCCESS', error: false, response: { message: 'Instance deleted' } } });
    expect(await env.db.query('SELECT 1 FROM "Instance" WHERE id = $1', [instanceId])).toHaveLength(0);
    expect(await env.db.query('SELECT 1 FROM "Webhook" WHERE "instanceId" = $1', [instanceId])).toHaveLength(0);
    const after = await gateway.api('GET', `/instance/connectionState/${name}`, { apikey: API_KEY });
    expect(after).toEqual({
      status: 404,
      body: { status: 404, error: 'Not Found', response: { message: [`The "${name}" instance does not exist`] } },
    });
  });
});
