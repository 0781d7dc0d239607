import { RedisServerControl } from '@gw/testing';
import type { GatewayProcess, ReceivedWebhook } from '@gw/testing';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';

/**
 * Redis goes away (and comes back empty): events produced meanwhile are kept in the Postgres
 * outbox and delivered once Redis is back; the API keeps answering, with 503 where it needs Redis.
 */
describe('Redis outage (fault test)', () => {
  const env = new E2eEnvironment();
  const redis = new RedisServerControl();
  let gateway: GatewayProcess;
  let me: { jid: string };
  let alice: { phone: string };

  beforeAll(async () => {
    const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    if (!['127.0.0.1', 'localhost'].includes(url.hostname) || (url.port || '6379') !== '6379') {
      throw new Error('this fault test restarts the local Redis server on 127.0.0.1:6379');
    }
    await env.start();
    gateway = await env.startGateway();
    await gateway.api('POST', '/instance/create', {
      apikey: API_KEY,
      body: { instanceName: 'outage', webhook: { url: `${env.receiver.url}/out`, byEvents: true, events: ['QRCODE_UPDATED', 'CONNECTION_UPDATE', 'MESSAGES_UPSERT'] } },
    });
    const qr = await env.receiver.waitFor((w) => w.path === '/out/qrcode-updated');
    me = await env.fake.scan(qr.body.data.qrcode.code);
    await env.receiver.waitFor((w) => w.path === '/out/connection-update' && w.body.data.state === 'open');
    alice = env.fake.createAccount({ pushName: 'Alice' });
  });

  afterAll(async () => {
    if (!(await redis.isUp())) await redis.start();
    await env.stop();
  });

  it('buffers events in the outbox while Redis is down and delivers all of them after it returns empty', async () => {
    await redis.stop();
    const ids: string[] = [];
    // one at a time, so each is its own publish batch and its own "kept" line
    for (const text of ['one', 'two', 'three']) {
      const parked = gateway.waitForLog(/1 deliveries kept in Postgres for later dispatch/);
      ids.push((await env.fake.sendMessage(me.jid, alice.phone, { conversation: `during outage ${text}` })).id);
      await parked;
    }
    // the API still answers; what needs the queue says so with a 503
    const state = await gateway.api('GET', '/instance/connectionState/outage', { apikey: API_KEY });
    expect(state.body.instance.state).toBe('open');
    const rows = await env.db.query<{ id: string }>(`SELECT id FROM "WebhookDelivery" WHERE status = 'pending' AND event = 'MESSAGES_UPSERT'`);
    const redeliver = await gateway.api('POST', `/webhook/deliveries/outage/${rows[0]?.id ?? 'none'}/redeliver`, { apikey: API_KEY });
    expect(redeliver.status).toBe(503);
    expect(redeliver.body.response.message[0]).toMatch(/queue \(Redis\) is unavailable/);

    await redis.start();
    const got: ReceivedWebhook[] = [];
    for (const id of ids) got.push(await env.receiver.waitFor((w) => w.path === '/out/messages-upsert' && w.body.data.key.id === id, 60_000));
    expect(got.map((w) => w.body.data.message.conversation)).toEqual(['during outage one', 'during outage two', 'during outage three']);
    // numbered in the order they were published (Postgres counter), even without Redis
    const byPublishTime = [...got].sort((a, b) => a.body.date_time.localeCompare(b.body.date_time) || a.body.sequence - b.body.sequence);
    const sequences = byPublishTime.map((w) => w.body.sequence);
    expect(new Set(sequences).size).toBe(3);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
    for (const id of ids) expect(env.receiver.received.filter((w) => w.body?.data?.key?.id === id)).toHaveLength(1);
  });
});
