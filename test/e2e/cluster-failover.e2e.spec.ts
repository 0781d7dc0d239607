import type { GatewayProcess, ReceivedWebhook } from '@gw/testing';
import IORedis from 'ioredis';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';

/**
 * Two gateway nodes and one delivery worker share Postgres and Redis. Ten instances spread
 * over both nodes; one node is SIGKILLed; the other takes its instances over from Postgres
 * (no QR) and every event, including those sent while the node was dead, is delivered.
 */
describe('cluster: two gateways, one worker, failover (e2e)', () => {
  const env = new E2eEnvironment();
  const nodeEnv = { LEASE_TTL_MS: '3000', DELIVERY_WORKER_ENABLED: 'false', SESSION_RESTORE_CONCURRENCY: '5' };
  let a: GatewayProcess;
  let b: GatewayProcess;
  const names = Array.from({ length: 10 }, (_, i) => `node-${i}`);
  const accounts = new Map<string, string>();
  let peer: { phone: string };

  const isOpen = (name: string) => (w: ReceivedWebhook) =>
    w.body?.event === 'connection.update' && w.body.instance === name && w.body.data.state === 'open';

  beforeAll(async () => {
    await env.start();
    a = await env.startGateway({ ...nodeEnv, NODE_ID: 'node-a' });
    b = await env.startGateway({ ...nodeEnv, NODE_ID: 'node-b' });
    await env.startWorker();
    peer = env.fake.createAccount({ pushName: 'Peer' });
  });

  afterAll(() => env.stop());

  async function leaseOwners(): Promise<Map<string, string>> {
    const redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const rows = await env.db.query<{ id: string; name: string }>('SELECT id, name FROM "Instance"');
      const values = await redis.mget(rows.map((r) => `${env.redisPrefix}:lease:${r.id}`));
      return new Map(rows.map((r, i) => [r.name, (values[i] ?? '').split('|')[0]]));
    } finally {
      redis.disconnect();
    }
  }

  it('spreads ten instances over both nodes, and either node answers for any of them', async () => {
    for (const [i, name] of names.entries()) {
      const via = i % 2 ? b : a;
      const res = await via.api('POST', '/instance/create', {
        apikey: API_KEY,
        body: { instanceName: name, webhook: { url: `${env.receiver.url}/${name}`, events: ['QRCODE_UPDATED', 'CONNECTION_UPDATE', 'MESSAGES_UPSERT'] } },
      });
      expect(res.status).toBe(201);
      const qr = await env.receiver.waitFor((w) => w.body?.event === 'qrcode.updated' && w.body.instance === name);
      accounts.set(name, (await env.fake.scan(qr.body.data.qrcode.code)).jid);
      await env.receiver.waitFor(isOpen(name));
    }
    const owners = await leaseOwners();
    const onA = names.filter((n) => owners.get(n) === 'node-a');
    const onB = names.filter((n) => owners.get(n) === 'node-b');
    expect(onA.length + onB.length).toBe(10);
    expect(Math.abs(onA.length - onB.length)).toBeLessThanOrEqual(2); // least-loaded placement

    // a call for an instance of node A, sent to node B, is answered by A through B
    const viaB = await b.api('GET', `/instance/connectionState/${onA[0]}`, { apikey: API_KEY });
    expect(viaB).toEqual({ status: 200, body: { instance: { instanceName: onA[0], state: 'open' } } });
  });

  it('after SIGKILL of node A, node B runs all ten again without a QR and no event is lost', async () => {
    const owners = await leaseOwners();
    const qrBefore = env.receiver.received.filter((w) => w.body?.event === 'qrcode.updated').length;
    const opensBefore = new Map(names.map((n) => [n, env.receiver.received.filter(isOpen(n)).length]));
    await a.stop('SIGKILL');
    const killedAt = Date.now();

    // messages sent while A is dead: WhatsApp keeps them until the device logs in again
    const sent = new Map<string, string>();
    for (const name of names) sent.set(name, (await env.fake.sendMessage(accounts.get(name)!, peer.phone, { conversation: `after kill ${name}` })).id);

    for (const name of names.filter((n) => owners.get(n) === 'node-a')) {
      await env.receiver.waitFor((w) => isOpen(name)(w) && env.receiver.received.filter(isOpen(name)).indexOf(w) >= opensBefore.get(name)!, 60_000, `${name} open again`);
    }
    const takeoverMs = Date.now() - killedAt;
    for (const name of names) {
      const id = sent.get(name)!;
      await env.receiver.waitFor((w) => w.body?.event === 'messages.upsert' && w.body.data.key.id === id, 60_000, `message of ${name}`);
      const copies = env.receiver.received.filter((w) => w.body?.event === 'messages.upsert' && w.body.data.key.id === id);
      expect(new Set(copies.map((c) => c.headers['webhook-id'])).size).toBe(1); // duplicates only as retries of one delivery
    }
    expect(env.receiver.received.filter((w) => w.body?.event === 'qrcode.updated')).toHaveLength(qrBefore);
    const after = await leaseOwners();
    expect(names.every((n) => after.get(n) === 'node-b')).toBe(true);
    for (const name of names) {
      const state = await b.api('GET', `/instance/connectionState/${name}`, { apikey: API_KEY });
      expect(state.body.instance.state).toBe('open');
    }
    process.stdout.write(`takeover of node A's instances: ${takeoverMs} ms\n`);
  });

  it('a graceful SIGTERM hands every instance over to another node without logging any out', async () => {
    const c = await env.startGateway({ ...nodeEnv, NODE_ID: 'node-c' });
    const opensBefore = new Map(names.map((n) => [n, env.receiver.received.filter(isOpen(n)).length]));
    const logged = b.logs.length;
    const stopping = Date.now();
    await b.stop('SIGTERM');
    // B closed its sockets while its database pool, queue and leases were still open: no last
    // Signal-key write or event had to wait out a closed pool (that once held the exit 120 s).
    expect(b.logs.slice(logged).join('\n')).not.toMatch(/database unavailable|Cannot use a pool|could not enqueue/);
    expect(Date.now() - stopping).toBeLessThan(30_000);
    for (const name of names) {
      await env.receiver.waitFor((w) => isOpen(name)(w) && env.receiver.received.filter(isOpen(name)).indexOf(w) >= opensBefore.get(name)!, 60_000, `${name} on node C`);
    }
    const owners = await leaseOwners();
    expect(names.every((n) => owners.get(n) === 'node-c')).toBe(true);
    expect(env.fake.logouts).toHaveLength(0);
    const state = await c.api('GET', `/instance/connectionState/${names[0]}`, { apikey: API_KEY });
    expect(state.body.instance.state).toBe('open');
  });
});
