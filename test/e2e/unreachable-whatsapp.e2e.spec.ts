import { freePort, type GatewayProcess, type ReceivedWebhook } from '@gw/testing';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';

/**
 * WhatsApp cannot be reached (connection refused, a name that does not resolve, a TLS failure):
 * the connect route answers with the state and what failed instead of blocking and returning
 * nulls, CONNECTION_UPDATE carries the reason in words, the log names the failure (not the
 * watchdog), and a logout of the never-linked instance is a 400.
 */
describe('unreachable WhatsApp (e2e)', () => {
  const env = new E2eEnvironment();
  let gateway: GatewayProcess | undefined;

  beforeAll(() => env.start());

  afterEach(() => gateway?.stop('SIGTERM'));

  afterAll(() => env.stop());

  const isConnecting = (name: string) => (w: ReceivedWebhook) =>
    w.body?.event === 'connection.update' && w.body.instance === name && w.body.data.state === 'connecting' && !!w.body.data.reason;

  /** Creates `name` on a gateway whose WhatsApp URL is `url`, then checks every outward sign of the failure. */
  async function expectUnreachable(name: string, url: string, reason: RegExp) {
    gateway = await env.startGateway({ WA_WEBSOCKET_URL: url });
    const created = await gateway.api('POST', '/instance/create', {
      apikey: API_KEY,
      body: { instanceName: name, webhook: { url: `${env.receiver.url}/${name}`, events: ['CONNECTION_UPDATE'] } },
    });
    expect(created.status).toBe(201);

    const started = Date.now();
    const connect = await gateway.api('GET', `/instance/connect/${name}`, { apikey: API_KEY });
    const answeredMs = Date.now() - started;
    expect(connect.status).toBe(200);
    // Evolution's QR keys stay (null: there is no QR), plus the state and what failed
    expect(connect.body).toEqual({
      pairingCode: null,
      code: null,
      base64: null,
      count: 0,
      instance: { instanceName: name, state: 'connecting' },
      error: true,
      message: expect.stringMatching(/^WhatsApp cannot be reached: /),
      reason: expect.stringMatching(reason),
      statusReason: expect.any(Number),
    });
    expect(connect.body.message).toContain(connect.body.reason);

    // the next attempt's CONNECTION_UPDATE says why the previous one failed; statusReason stays numeric
    const update = await env.receiver.waitFor(isConnecting(name), 15_000, `${name} connecting with a reason`);
    expect(update.body.data).toEqual({ instance: name, state: 'connecting', statusReason: expect.any(Number), reason: expect.stringMatching(reason) });

    const state = await gateway.api('GET', `/instance/connectionState/${name}`, { apikey: API_KEY });
    expect(state.body).toEqual({ instance: { instanceName: name, state: 'connecting' } });

    // never linked: nothing to log out
    const logout = await gateway.api('DELETE', `/instance/logout/${name}`, { apikey: API_KEY });
    expect(logout).toEqual({
      status: 400,
      body: { status: 400, error: 'Bad Request', response: { message: [`The "${name}" instance is not connected`] } },
    });

    const logs = gateway.logs.join('\n');
    expect(logs).toMatch(new RegExp(`instance ${name}: cannot reach WhatsApp: ${reason.source}`));
    expect(logs).not.toContain('watchdog');
    process.stdout.write(`connect of ${name} (${url}) answered in ${answeredMs} ms\n`);
  }

  it('connection refused: answers with the state and "connect ECONNREFUSED"', async () => {
    const closedPort = await freePort(); // free a moment ago, nobody listens on it
    await expectUnreachable('refused', `ws://127.0.0.1:${closedPort}/ws/chat`, /connect ECONNREFUSED 127\.0\.0\.1:\d+/);
  });

  it('a name that does not resolve: answers with "getaddrinfo ENOTFOUND"', async () => {
    await expectUnreachable('nodns', 'ws://nonexistent.invalid/ws/chat', /getaddrinfo ENOTFOUND nonexistent\.invalid/);
  });

  it('a TLS failure (wss:// to a plain server): answers with the TLS error', async () => {
    const plain = new URL(env.fake.url);
    await expectUnreachable('notls', `wss://${plain.host}${plain.pathname}`, /SSL|TLS|wrong version/i);
  });

  it('with WhatsApp reachable the answer keeps the QR shape, and a never-linked instance showing QRs cannot be logged out', async () => {
    // the reachable case still shows the QR shape, untouched
    gateway = await env.startGateway();
    const created = await gateway.api('POST', '/instance/create', { apikey: API_KEY, body: { instanceName: 'reachable' } });
    expect(created.status).toBe(201);
    const connect = await gateway.api('GET', '/instance/connect/reachable', { apikey: API_KEY });
    expect(connect.body).toEqual({ pairingCode: null, code: expect.any(String), base64: expect.stringMatching(/^data:image\/png/), count: 1 });
    // never linked, showing QRs: nothing to log out either
    const logout = await gateway.api('DELETE', '/instance/logout/reachable', { apikey: API_KEY });
    expect(logout.status).toBe(400);
  });
});
