import type { GatewayProcess, ReceivedWebhook } from '@gw/testing';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';

/**
 * Deliveries survive the process: pending, retrying jobs live in Redis and are delivered by
 * the next process after a SIGKILL; the attempt log in Postgres can list and replay them.
 */
describe('webhook delivery durability and replay (e2e)', () => {
  const env = new E2eEnvironment();
  let gateway: GatewayProcess;
  let secret: string;
  let receiverUp = false;
  let trackedId: string;

  beforeAll(async () => {
    await env.start();
    env.receiver.respondWith((w) => (w.path.startsWith('/dur') && !receiverUp ? 503 : 200));
    gateway = await env.startGateway({ WEBHOOK_RETRY_SCHEDULE: '1,1,1,1,1,1,1,1,1,1', LEASE_TTL_MS: '3000' });
  });

  afterAll(() => env.stop());

  const forDur = (w: ReceivedWebhook) => w.path.startsWith('/dur');

  it('a SIGKILLed gateway leaves its retrying deliveries in Redis; the next process delivers each exactly once', async () => {
    const res = await gateway.api('POST', '/instance/create', {
      apikey: API_KEY,
      body: { instanceName: 'durable', webhook: { url: `${env.receiver.url}/dur`, events: [] } },
    });
    expect(res.status).toBe(201);
    const set = await gateway.api('POST', '/webhook/set/durable', {
      apikey: API_KEY,
      body: { webhook: { url: `${env.receiver.url}/dur`, enabled: true, events: ['QRCODE_UPDATED', 'CONNECTION_UPDATE'], generateSecret: true } },
    });
    expect(set.status).toBe(201);
    secret = set.body.secret;
    expect(secret).toMatch(/^whsec_/);
    expect(set.body.signed).toBe(true);
    const find = await gateway.api('GET', '/webhook/find/durable', { apikey: API_KEY });
    expect(find.body.secret).toBeUndefined();

    // restart produces a signed QRCODE_UPDATED that the receiver refuses (503) at least twice
    await gateway.api('POST', '/instance/restart/durable', { apikey: API_KEY });
    const qrAttempt = await waitForAttempts((w) => forDur(w) && w.body?.event === 'qrcode.updated', 2);
    trackedId = String(qrAttempt.headers['webhook-id']);
    const pendingIds = new Set(env.receiver.attempts.filter(forDur).map((w) => String(w.headers['webhook-id'])));
    expect(pendingIds.has(String(qrAttempt.headers['webhook-id']))).toBe(true);

    await gateway.stop('SIGKILL');
    receiverUp = true;
    gateway = await env.startGateway({ WEBHOOK_RETRY_SCHEDULE: '1,1,1,1,1,1,1,1,1,1', LEASE_TTL_MS: '3000' });

    // a job that was mid-request when the process died is recovered when its lock expires (~10 s)
    for (const id of pendingIds) await env.receiver.waitFor((w) => w.headers['webhook-id'] === id, 45_000, `delivery ${id}`);
    for (const id of pendingIds) expect(env.receiver.received.filter((w) => w.headers['webhook-id'] === id)).toHaveLength(1);

    const verifier = new StandardWebhook(secret);
    const delivered = env.receiver.received.find((w) => w.headers['webhook-id'] === qrAttempt.headers['webhook-id'])!;
    const verified = verifier.verify(delivered.raw, {
      'webhook-id': String(delivered.headers['webhook-id']),
      'webhook-timestamp': String(delivered.headers['webhook-timestamp']),
      'webhook-signature': String(delivered.headers['webhook-signature']),
    });
    expect(verified).toMatchObject({ event: 'qrcode.updated', instance: 'durable', sequence: expect.any(Number) });
  });

  it('lists deliveries with filters, shows the attempt log, and redelivers with the original webhook-id', async () => {
    // The attempt log is written in ~25 ms batches after each send; wait until it shows the delivery.
    let list = await gateway.api('GET', '/webhook/deliveries/durable?event=QRCODE_UPDATED&status=delivered', { apikey: API_KEY });
    const tracked = () => list.body.deliveries?.find((x: { id: string }) => x.id === trackedId);
    for (let i = 0; i < 40 && !tracked(); i++) {
      await new Promise((r) => setTimeout(r, 50));
      list = await gateway.api('GET', '/webhook/deliveries/durable?event=QRCODE_UPDATED&status=delivered', { apikey: API_KEY });
    }
    expect(list.status).toBe(200);
    const d = tracked();
    expect(d).toMatchObject({ event: 'QRCODE_UPDATED', status: 'delivered', target: 'instance' });
    // the attempt in flight when the process was killed cannot be logged; the rest are
    expect(d.attempts).toBeGreaterThanOrEqual(2);

    const show = await gateway.api('GET', `/webhook/deliveries/durable/${d.id}`, { apikey: API_KEY });
    expect(show.status).toBe(200);
    const codes = show.body.attemptLog.map((a: { statusCode: number }) => a.statusCode);
    expect(codes[0]).toBe(503);
    expect(codes.at(-1)).toBe(200);
    expect(JSON.parse(show.body.payload)).toMatchObject({ event: 'qrcode.updated' });

    const before = env.receiver.received.filter((w) => w.headers['webhook-id'] === d.id).length;
    const replay = await gateway.api('POST', `/webhook/deliveries/durable/${d.id}/redeliver`, { apikey: API_KEY });
    expect(replay).toEqual({ status: 202, body: { id: d.id, status: 'pending' } });
    await env.receiver.waitFor((w) => w.headers['webhook-id'] === d.id && env.receiver.received.filter((x) => x.headers['webhook-id'] === d.id).indexOf(w) >= before);

    const page = await gateway.api('GET', '/webhook/deliveries/durable?limit=1', { apikey: API_KEY });
    expect(page.body.deliveries).toHaveLength(1);
    const next = await gateway.api('GET', `/webhook/deliveries/durable?limit=1&cursor=${page.body.nextCursor}`, { apikey: API_KEY });
    expect(next.body.deliveries[0].id).not.toBe(page.body.deliveries[0].id);

    const metrics = await fetch(`${gateway.url}/metrics`, { headers: { apikey: API_KEY } }).then((r) => r.text());
    expect(metrics).toMatch(/webhook_deliveries_total\{[^}]*outcome="delivered"[^}]*\} \d+/);
    expect(metrics).toMatch(/webhook_attempt_duration_seconds_bucket\{/);
    expect(metrics).toMatch(/webhook_queue_depth\{state="waiting"\} \d+/);
    expect(metrics).toMatch(/webhook_oldest_pending_age_seconds \d/);

    const bad = await gateway.api('GET', '/webhook/deliveries/durable?status=lost&limit=0', { apikey: API_KEY });
    expect(bad.status).toBe(400);
    const missing = await gateway.api('GET', '/webhook/deliveries/durable/msg_nope', { apikey: API_KEY });
    expect(missing.status).toBe(404);
  });

  it('redeliver-failed resends every dead-lettered delivery since a time', async () => {
    receiverUp = false;
    await gateway.stop('SIGTERM');
    // graceful: hands the instance's lease back at once
    gateway = await env.startGateway({ WEBHOOK_RETRY_SCHEDULE: '0', LEASE_TTL_MS: '3000' }); // one retry, then dead-lettered
    await env.leaseExpired('durable'); // the SIGKILLed first process held it until its lease ran out
    const since = new Date().toISOString();
    await gateway.api('POST', '/instance/restart/durable', { apikey: API_KEY });
    // Dead-lettering is visible to clients only through the log: wait until it lists one.
    let dead: string | undefined;
    for (let i = 0; i < 100 && !dead; i++) {
      const failed = await gateway.api('GET', `/webhook/deliveries/durable?status=failed&since=${since}`, { apikey: API_KEY });
      dead = failed.body.deliveries?.[0]?.id;
      if (!dead) await env.receiver.nextAttempt(1_000).catch(() => undefined);
    }
    expect(dead).toBeDefined();
    receiverUp = true;
    const res = await gateway.api('POST', '/webhook/deliveries/durable/redeliver-failed', { apikey: API_KEY, body: { since } });
    expect(res.status).toBe(202);
    expect(res.body.ids).toContain(dead);
    await env.receiver.waitFor((w) => w.headers['webhook-id'] === dead);
  });

  async function waitForAttempts(pred: (w: ReceivedWebhook) => boolean, n: number): Promise<ReceivedWebhook> {
    for (;;) {
      const hits = env.receiver.attempts.filter(pred);
      if (hits.length >= n) return hits[0];
      await env.receiver.nextAttempt();
    }
  }

});
