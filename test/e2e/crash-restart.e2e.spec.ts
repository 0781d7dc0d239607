import type { GatewayProcess, ReceivedWebhook } from '@gw/testing';
import IORedis from 'ioredis';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';

/**
 * The only gateway is SIGKILLed and started again with the same NODE_ID: it takes back the lease
 * its dead run left at once (a fence bump, not a wait for LEASE_TTL_MS), while another node id
 * must leave it alone. Deleting the instance then leaves none of its keys in Redis.
 */
describe('crash and restart of a single node (e2e)', () => {
  const env = new E2eEnvironment();
  // so long that only reclaiming can explain a reopen within this test
  const nodeEnv = { LEASE_TTL_MS: '120000' };
  const redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  let gateway: GatewayProcess;
  let instanceId: string;
  let jid: string;

  const isOpen = (w: ReceivedWebhook) => w.path === '/hooks/connection-update' && w.body.instance === 'crashy' && w.body.data.state === 'open';
  const lease = () => redis.get(`${env.redisPrefix}:lease:${instanceId}`);
  const rowFence = async () =>
    Number((await env.db.query<{ f: string }>('SELECT "ownerFence"::text AS f FROM "Instance" WHERE id = $1', [instanceId]))[0].f);

  beforeAll(async () => {
    await env.start();
    gateway = await env.startGateway({ ...nodeEnv, NODE_ID: 'solo' });
    const linked = await env.linkInstance(gateway, 'crashy');
    instanceId = linked.instanceId;
    jid = linked.me.jid;
  });

  afterAll(async () => {
    redis.disconnect();
    await env.stop();
  });

  it('another node id does not take the lease of the killed node before it expires', async () => {
    const held = await lease();
    expect(held).toMatch(/^solo\|\d+$/);
    await gateway.stop('SIGKILL');

    const logins: string[] = [];
    const onLogin = (l: { jid: string }) => logins.push(l.jid);
    env.fake.on('login', onLogin);
    const other = await env.startGateway({ ...nodeEnv, NODE_ID: 'other' });
    // its boot scan saw the stored session and left it to the lease holder
    const leftAlone = /1 stored sessions are leased by other nodes/;
    if (!other.logs.some((l) => leftAlone.test(l))) await other.waitForLog(leftAlone);
    expect(await lease()).toBe(held);
    expect(await rowFence()).toBe(Number(held!.split('|')[1]));
    const state = await other.api('GET', '/instance/connectionState/crashy', { apikey: API_KEY });
    expect(state.body.instance.state).toBe('close');
    await other.stop('SIGTERM');
    env.fake.off('login', onLogin);
    expect(logins).not.toContain(jid);
    expect(await lease()).toBe(held); // it never held it, so it released nothing
  });

  it('the same node id, restarted, reopens the instance at once: it reclaims its own lease with a higher fence', async () => {
    const [, oldFence] = (await lease())!.split('|');
    const opensBefore = env.receiver.received.filter(isOpen).length;
    const qrBefore = env.receiver.received.filter((w) => w.path === '/hooks/qrcode-updated').length;
    const spawnedAt = Date.now();
    gateway = await env.startGateway({ ...nodeEnv, NODE_ID: 'solo' });
    const readyAt = Date.now();
    await env.receiver.waitFor((w) => isOpen(w) && env.receiver.received.filter(isOpen).indexOf(w) >= opensBefore, 60_000, 'crashy open again');
    const openAt = Date.now();

    expect(gateway.logs.some((l) => l.includes(`reclaimed its own lease of instance ${instanceId}`))).toBe(true);
    const [owner, fence] = (await lease())!.split('|');
    expect(owner).toBe('solo');
    expect(Number(fence)).toBeGreaterThan(Number(oldFence));
    expect(await rowFence()).toBe(Number(fence)); // writes of the killed run's fence are refused
    expect(env.receiver.received.filter((w) => w.path === '/hooks/qrcode-updated')).toHaveLength(qrBefore);
    const state = await gateway.api('GET', '/instance/connectionState/crashy', { apikey: API_KEY });
    expect(state.body.instance.state).toBe('open');
    process.stdout.write(`SIGKILL restart: open ${openAt - spawnedAt} ms after spawn, ${openAt - readyAt} ms after listening\n`);
  });

  it('delete removes every Redis key of the instance (lease, fence)', async () => {
    const ofInstance = async () => (await redis.keys(`${env.redisPrefix}:*`)).filter((k) => k.includes(instanceId));
    expect((await ofInstance()).sort()).toEqual([`${env.redisPrefix}:fence:${instanceId}`, `${env.redisPrefix}:lease:${instanceId}`]);
    const res = await gateway.api('DELETE', '/instance/delete/crashy', { apikey: API_KEY });
    expect(res.status).toBe(200);
    expect(await ofInstance()).toEqual([]);
  });
});
