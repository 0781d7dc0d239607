import type { GatewayProcess } from '@gw/testing';
import IORedis from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';

type ClientOptions = { auth?: Record<string, unknown>; query?: Record<string, string>; path?: string };

interface Got {
  name: string;
  body: Record<string, any>;
}

/** A socket.io client as Evolution's apps (or the manager) open it, recording every event it gets. */
class LiveClient {
  readonly got: Got[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];
  readonly socket: Socket;

  constructor(url: string, options: ClientOptions = {}) {
    this.socket = io(url, { ...options, transports: ['websocket'], reconnection: false, forceNew: true });
    this.socket.onAny((name: string, body: Record<string, any>) => {
      this.got.push({ name, body });
      this.waiters = this.waiters.filter((w) => (w.check() ? (w.resolve(), false) : true));
    });
  }

  /** Resolves on `connect`, rejects with the refusal on `connect_error`. */
  connected(): Promise<this> {
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve(this));
      this.socket.once('connect_error', (err: Error & { data?: unknown }) => reject(Object.assign(err, { data: err.data })));
    });
  }

  async waitFor(pred: (g: Got) => boolean, what: string, timeoutMs = 30_000): Promise<Got> {
    const check = () => this.got.some(pred);
    if (!check()) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${this.got.map((g) => g.name).join(', ')}`)), timeoutMs);
        this.waiters.push({ check, resolve: () => (clearTimeout(timer), resolve()) });
      });
    }
    return this.got.find(pred)!;
  }

  close() {
    this.socket.close();
  }
}

/** The connect_error a refused handshake gets. */
async function refusal(url: string, options: ClientOptions = {}) {
  const client = new LiveClient(url, options);
  try {
    await client.connected();
    throw new Error(`${url} accepted the connection`);
  } catch (err) {
    return { message: (err as Error).message, data: (err as { data?: { status?: number } }).data };
  } finally {
    client.close();
  }
}

/**
 * The live event stream (issue #15 item 8): Evolution's socket.io integration, with auth on every
 * connection and events of an instance reaching sockets on any gateway node. Two nodes share
 * Postgres and Redis; `on-b` runs on node B, `on-a` on node A.
 */
describe('live event stream over socket.io (e2e, two nodes)', () => {
  const env = new E2eEnvironment();
  const nodeEnv = { LEASE_TTL_MS: '3000', WEBSOCKET_ENABLED: 'true', WEBSOCKET_GLOBAL_EVENTS: 'true' };
  let a: GatewayProcess;
  let b: GatewayProcess;
  let onB: { me: { jid: string }; token: string };
  let onA: { me: { jid: string }; token: string };
  let peer: { phone: string };
  const clients: LiveClient[] = [];
  const client = (url: string, options: ClientOptions = {}) => {
    const c = new LiveClient(url, options);
    clients.push(c);
    return c.connected();
  };

  beforeAll(async () => {
    await env.start();
    a = await env.startGateway({ ...nodeEnv, NODE_ID: 'node-a' });
    b = await env.startGateway({ ...nodeEnv, NODE_ID: 'node-b' });
    peer = env.fake.createAccount({ pushName: 'Peer' });
    // Each node places a new instance on itself while it runs fewer than the other.
    onB = await env.linkInstance(b, 'on-b', { hooks: '/hooks-b' });
    onA = await env.linkInstance(a, 'on-a', { hooks: '/hooks-a' });
  }, 120_000);

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await env.stop();
  });

  it('runs on-b on node B and on-a on node A', async () => {
    const redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const rows = await env.db.query<{ id: string; name: string }>('SELECT id, name FROM "Instance" ORDER BY name');
      const owners = await redis.mget(rows.map((r) => `${env.redisPrefix}:lease:${r.id}`));
      expect(rows.map((r, i) => [r.name, (owners[i] ?? '').split('|')[0]])).toEqual([
        ['on-a', 'node-a'],
        ['on-b', 'node-b'],
      ]);
    } finally {
      redis.disconnect();
    }
  });

  it('refuses a handshake without a valid key, and an instance token outside its own namespace', async () => {
    expect(await refusal(`${a.url}/on-b`)).toEqual({ message: 'Unauthorized', data: { status: 401, message: 'Unauthorized' } });
    expect(await refusal(`${a.url}/on-b`, { query: { apikey: 'wrong-key' } })).toMatchObject({ message: 'Unauthorized' });
    expect(await refusal(`${a.url}/`, { auth: { apikey: 'wrong-key' } })).toMatchObject({ message: 'Unauthorized' });
    // on-a's token opens /on-a only: not /on-b, not the global namespace
    expect(await refusal(`${a.url}/on-b`, { auth: { apikey: onA.token } })).toMatchObject({
      message: expect.stringMatching(/only its own namespace/),
      data: { status: 403 },
    });
    expect(await refusal(`${a.url}/`, { auth: { apikey: onA.token } })).toMatchObject({ data: { status: 403 } });
    expect(await refusal(`${a.url}/nobody`, { auth: { apikey: API_KEY } })).toMatchObject({ message: 'The "nobody" instance does not exist', data: { status: 404 } });
    // A namespace with an encoded NUL: no stored name holds one, and Postgres refused the lookup (a 500 refusal before).
    expect(await refusal(`${a.url}/no%00body`, { auth: { apikey: API_KEY } })).toMatchObject({ data: { status: 404 } });
    await expect(client(`${a.url}/on-a`, { auth: { apikey: onA.token } })).resolves.toBeDefined();
  });

  it('/websocket/set validates like the API, /websocket/find returns the row', async () => {
    expect(await b.api('GET', '/websocket/find/on-b', { apikey: API_KEY })).toEqual({ status: 200, body: null });
    const bad = await b.api('POST', '/websocket/set/on-b', { apikey: API_KEY, body: { websocket: { enabled: true, events: ['NOPE'] } } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 400, error: 'Bad Request' });
    expect(bad.body.response.message[0]).toContain('unknown events (NOPE)');
    expect((await b.api('POST', '/websocket/set/on-b', { apikey: API_KEY, body: {} })).status).toBe(400);
    expect((await b.api('POST', '/websocket/set/on-b', { apikey: API_KEY, body: { websocket: { enabled: 'yes' } } })).status).toBe(400);
    expect((await b.api('POST', '/websocket/set/on-b', { apikey: onA.token, body: { websocket: { enabled: true } } })).status).toBe(401);

    const set = await b.api('POST', '/websocket/set/on-b', { apikey: onB.token, body: { websocket: { enabled: true, events: ['MESSAGES_UPSERT'] } } });
    expect(set).toMatchObject({ status: 201, body: { id: expect.any(String), enabled: true, events: ['MESSAGES_UPSERT'], instanceId: expect.any(String) } });
    // asked on the other node: the same row
    expect(await a.api('GET', '/websocket/find/on-b', { apikey: API_KEY })).toMatchObject({ status: 200, body: { enabled: true, events: ['MESSAGES_UPSERT'] } });
  });

  it("an app gets the events /websocket/set lists, in the webhook's envelope; the manager's monitor gets every event", async () => {
    // Evolution's clients put the key in the query; the instance runs on this node (B).
    const app = await client(`${b.url}/on-b`, { query: { apikey: onB.token } });
    const monitor = await client(`${b.url}/on-b`, { auth: { apikey: API_KEY, monitor: true } });

    const sent = await b.api('POST', '/message/sendText/on-b', { apikey: onB.token, body: { number: peer.phone, text: 'out' } });
    expect(sent.status).toBe(201);
    await monitor.waitFor((g) => g.name === 'send.message' && g.body.data.key.id === sent.body.key.id, 'send.message on the monitor');

    const key = await env.fake.sendMessage(onB.me.jid, peer.phone, { conversation: 'live hello' });
    const got = await app.waitFor((g) => g.name === 'messages.upsert' && g.body.data.key.id === key.id, 'messages.upsert on the app socket');
    // The webhook body minus `destination`, same sequence number.
    const hook = await env.receiver.waitFor((w) => w.path === '/hooks-b/messages-upsert' && w.body.data?.key?.id === key.id);
    const { destination, ...webhookBody } = hook.body;
    expect(destination).toBeDefined();
    expect(got.body).toEqual(webhookBody);
    expect(got.body).toMatchObject({ event: 'messages.upsert', instance: 'on-b', sequence: expect.any(Number) });
    // One ordered channel per instance: send.message went out before, and the app was not sent it.
    expect(app.got.map((g) => g.name).filter((n) => n !== 'messages.upsert')).toEqual([]);
    await monitor.waitFor((g) => g.name === 'messages.upsert' && g.body.data.key.id === key.id, 'messages.upsert on the monitor');
  });

  it('a client connected to node A gets the events of an instance node B runs, in its namespace and the global one', async () => {
    const remote = await client(`${a.url}/on-b`, { auth: { apikey: API_KEY } });
    const global = await client(a.url, { auth: { apikey: API_KEY } });
    const sentAt = Date.now();
    const key = await env.fake.sendMessage(onB.me.jid, peer.phone, { conversation: 'across nodes' });
    const got = await remote.waitFor((g) => g.name === 'messages.upsert' && g.body.data.key.id === key.id, 'messages.upsert of on-b on node A');
    process.stdout.write(`live stream, WhatsApp message on node B to a socket on node A: ${Date.now() - sentAt} ms\n`);
    expect(got.body.instance).toBe('on-b');
    const globally = await global.waitFor((g) => g.name === 'messages.upsert' && g.body.data.key.id === key.id, 'global messages.upsert of on-b');
    expect(globally.body).toEqual(got.body);

    // Global events carry every instance's events (WEBSOCKET_GLOBAL_EVENTS), node A's own too.
    const local = await env.fake.sendMessage(onA.me.jid, peer.phone, { conversation: 'on node A' });
    await global.waitFor((g) => g.name === 'messages.upsert' && g.body.instance === 'on-a' && g.body.data.key.id === local.id, 'global messages.upsert of on-a');
  });

  it('with WEBSOCKET_ENABLED=false (node C, under SERVER_BASE_PATH) apps are refused, the manager\'s monitor still streams', async () => {
    const c = await env.startGateway({ LEASE_TTL_MS: '3000', NODE_ID: 'node-c', SERVER_BASE_PATH: '/wa' });
    const path = '/wa/socket.io';
    expect(await refusal(`${c.url}/on-a`, { path, auth: { apikey: API_KEY } })).toMatchObject({
      message: expect.stringMatching(/disabled on this gateway \(WEBSOCKET_ENABLED=false\)/),
      data: { status: 403 },
    });
    expect(await refusal(`${c.url}/on-a`, { path, auth: { apikey: 'wrong-key', monitor: true } })).toMatchObject({ message: 'Unauthorized' });
    // on-a has no /websocket/set at all: only a monitor gets its events
    const monitor = await client(`${c.url}/on-a`, { path, auth: { apikey: onA.token, monitor: true } });
    const key = await env.fake.sendMessage(onA.me.jid, peer.phone, { conversation: 'monitored' });
    await monitor.waitFor((g) => g.name === 'messages.upsert' && g.body.data.key.id === key.id, 'messages.upsert on the monitor of node C');
    expect(await refusal(`${c.url}/on-a`, { auth: { apikey: API_KEY, monitor: true } })).toMatchObject({ message: 'websocket error' }); // served under the base path only
  });

  it('a graceful stop of a node closes its sockets and is not held up by them', async () => {
    const connected = await client(`${a.url}/on-b`, { auth: { apikey: API_KEY, monitor: true } });
    const closed = new Promise<string>((resolve) => connected.socket.once('disconnect', (reason) => resolve(reason)));
    const stopping = Date.now();
    await a.stop('SIGTERM');
    expect(Date.now() - stopping).toBeLessThan(15_000);
    expect(await closed).toMatch(/server namespace disconnect|transport close/);
  });
});
