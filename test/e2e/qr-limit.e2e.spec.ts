import type { ReceivedWebhook } from '@gw/testing';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';
import type { GatewayProcess } from '@gw/testing';

/** After QRCODE_LIMIT codes nobody scanned: the limit message, state `refused`, and a logout. */
describe('QR code limit (e2e)', () => {
  const env = new E2eEnvironment();
  let gateway: GatewayProcess;

  beforeAll(async () => {
    await env.start();
    gateway = await env.startGateway({ QRCODE_LIMIT: '2', QRCODE_TIMEOUT_MS: '1000' });
  });

  afterAll(() => env.stop());

  it('sends the limit message, CONNECTION_UPDATE refused and LOGOUT_INSTANCE, then stays closed', async () => {
    const res = await gateway.api('POST', '/instance/create', {
      apikey: API_KEY,
      body: { instanceName: 'limited', qrcode: true, webhook: { url: `${env.receiver.url}/all`, events: [] } },
    });
    expect(res.status).toBe(201);
    // qrcode:true waits for the first code and returns it
    expect(res.body.qrcode).toMatchObject({ code: expect.any(String), base64: expect.stringMatching(/^data:image\/png/), count: 1 });

    const isLimited = (w: ReceivedWebhook) => w.body?.event === 'qrcode.updated' && w.body.data?.statusCode === 500;
    const limit = await env.receiver.waitFor(isLimited, 20_000, 'QR limit message');
    expect(limit.path).toBe('/all');
    expect(limit.body.data).toEqual({ message: 'QR code limit reached, please login again', statusCode: 500 });
    const codes = env.receiver.events('qrcode.updated', 'limited').filter((w) => !isLimited(w));
    expect(codes).toHaveLength(2);
    expect(new Set(codes.map((w) => w.body.data.qrcode.code)).size).toBe(2);

    const refused = await env.receiver.waitFor((w) => w.body?.event === 'connection.update' && w.body.data.state === 'refused');
    expect(refused.body.data).toMatchObject({ instance: 'limited', state: 'refused', statusReason: 428 });
    await env.receiver.waitFor((w) => w.body?.event === 'logout.instance' && w.body.instance === 'limited');

    const state = await gateway.api('GET', '/instance/connectionState/limited', { apikey: API_KEY });
    expect(state.body.instance.state).toBe('close');
    const row = await env.db.query<{ connectionStatus: string }>('SELECT "connectionStatus" FROM "Instance" WHERE name = $1', ['limited']);
    expect(row[0].connectionStatus).toBe('close');
  });
});
