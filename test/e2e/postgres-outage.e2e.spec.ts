import { PostgresServerControl } from '@gw/testing';
import type { GatewayProcess } from '@gw/testing';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';

/** Postgres restarts while messages arrive: they wait (in order) and are delivered once it is back. */
describe('Postgres restart (fault test)', () => {
  const env = new E2eEnvironment();
  const postgres = new PostgresServerControl();
  let gateway: GatewayProcess;
  let me: { jid: string };
  let alice: { phone: string };

  beforeAll(async () => {
    await env.start();
    gateway = await env.startGateway();
    await gateway.api('POST', '/instance/create', {
      apikey: API_KEY,
      body: { instanceName: 'pgdown', webhook: { url: `${env.receiver.url}/pg`, byEvents: true, events: ['QRCODE_UPDATED', 'CONNECTION_UPDATE', 'MESSAGES_UPSERT'] } },
    });
    const qr = await env.receiver.waitFor((w) => w.path === '/pg/qrcode-updated');
    me = await env.fake.scan(qr.body.data.qrcode.code);
    await env.receiver.waitFor((w) => w.path === '/pg/connection-update' && w.body.data.state === 'open');
    alice = env.fake.createAccount({ pushName: 'Alice' });
    // warm up: the first message sets up the Signal session (written to Postgres)
    const warm = await env.fake.sendMessage(me.jid, alice.phone, { conversation: 'before' });
    await env.receiver.waitFor((w) => w.path === '/pg/messages-upsert' && w.body.data.key.id === warm.id);
  });

  afterAll(async () => {
    if (!(await postgres.isUp())) await postgres.start();
    await env.stop();
  });

  it('delivers messages that arrived while Postgres was restarting', async () => {
    await postgres.stop();
    const waiting = gateway.waitForLog(/database unavailable, retrying/);
    // WhatsApp delivers while the database is down; decrypting needs the (stored) Signal keys
    const sends = ['during restart 1', 'during restart 2'].map((text) => env.fake.sendMessage(me.jid, alice.phone, { conversation: text }));
    await waiting; // the gateway holds the messages instead of failing them
    await postgres.start();
    const ids = (await Promise.all(sends)).map((k) => k.id);
    for (const id of ids) {
      const w = await env.receiver.waitFor((x) => x.path === '/pg/messages-upsert' && x.body.data.key.id === id, 60_000);
      expect(w.body.data.message.conversation).toMatch(/^during restart/);
    }
    const state = await gateway.api('GET', '/instance/connectionState/pgdown', { apikey: API_KEY });
    expect(state.body.instance.state).toBe('open');
  });
});
