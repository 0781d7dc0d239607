import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import IORedis from 'ioredis';
import { KeyRing, SecretCipher, secretContext } from '@gw/crypto';
import { FakeGraphApiServer, GatewayProcess, findKeyMaterial, type PairedAccount, type ReceivedWebhook } from '@gw/testing';
import { API_KEY, E2eEnvironment } from '../support/e2e-env';

/**
 * Issue #14 end to end: real Baileys linked to the fake WhatsApp server, real Postgres/Redis.
 * With a key configured, a database dump holds no WhatsApp key material, token or secret; the
 * session survives a restart and a move to another node; `secrets:rotate` re-encrypts under a
 * new key while messages keep arriving; keys missing at boot stop the process; a value moved
 * to another row is refused; /metrics and repeated wrong keys are guarded.
 */
const run = promisify(execFile);
const ROTATE_MAIN = join(process.cwd(), 'dist/apps/secrets-rotate/src/main.js');
const newKey = (id: string) => ({ id, key: randomBytes(32) });
const keysEnv = (...keys: { id: string; key: Buffer }[]) => keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');

/** Every base64 Buffer (BufferJSON `{type:'Buffer', data}`) under a `private` field, and advSecretKey. */
function privateValues(value: unknown, out: string[] = [], underPrivate = false): string[] {
  if (!value || typeof value !== 'object') return out;
  const v = value as Record<string, unknown>;
  if (v.type === 'Buffer' && typeof v.data === 'string') {
    if (underPrivate) out.push(v.data);
    return out;
  }
  for (const [k, child] of Object.entries(v)) {
    if (k === 'advSecretKey' && typeof child === 'string') out.push(child);
    privateValues(child, out, k === 'private' || k === 'privKey');
  }
  return out;
}

describe('secrets at rest (e2e)', () => {
  const env = new E2eEnvironment();
  const k1 = newKey('k1');
  const k2 = newKey('k2');
  const NAME = 'vault';
  const CLOUD_TOKEN = 'EAAG-cloud-secret-token';
  const JWT_KEY = 'jwt-key-secret-value';
  const HEADER_SECRET = 'x-api-key-secret-value';
  let graph: FakeGraphApiServer;
  let gateway: GatewayProcess;
  let me: PairedAccount;
  let alice: { jid: string; phone: string };
  let instanceId: string;
  let token: string;
  let signingSecret: string;
  let extraEnv: Record<string, string>;

  const upsert = (id: string, after = 0) => (w: ReceivedWebhook) =>
    w.path === '/hooks/messages-upsert' && w.body.instance === NAME && w.body.data.key.id === id && w.receivedAt >= after;
  const opened = (after: number) => (w: ReceivedWebhook) =>
    w.path === '/hooks/connection-update' && w.body.instance === NAME && w.body.data.state === 'open' && w.receivedAt >= after;
  const fromAlice = async (text: string, encryption?: 'pkmsg') => {
    const key = await env.fake.sendMessage(me.jid, alice.phone, { conversation: text }, encryption ? { encryption } : {});
    await env.receiver.waitFor(upsert(key.id), 20_000, `upsert of "${text}"`);
    return key;
  };
  const qrCount = () => env.receiver.received.filter((w) => w.path === '/hooks/qrcode-updated' && w.body.instance === NAME).length;
  /** Restarts the one gateway with `keys`; resolves once the instance is open again. */
  const restartWith = async (keys: string) => {
    await gateway.stop('SIGTERM');
    const at = Date.now();
    gateway = await env.startGateway({ ...extraEnv, ENCRYPTION_KEYS: keys });
    await env.receiver.waitFor(opened(at), 30_000, 'open after restart');
  };
  /** Every stored secret value: [table.column, value]. */
  const storedSecrets = async () => {
    const rows = await env.db.query<{ col: string; v: string }>(
      `SELECT 'AuthCred.creds' AS col, creds AS v FROM "AuthCred"
       UNION ALL SELECT 'AuthKey.value', value FROM "AuthKey"
       UNION ALL SELECT 'Instance.token', token FROM "Instance"
       UNION ALL SELECT 'Instance.accessToken', "accessToken" FROM "Instance" WHERE "accessToken" IS NOT NULL
       UNION ALL SELECT 'Webhook.secret', secret FROM "Webhook" WHERE secret IS NOT NULL
       UNION ALL SELECT 'Webhook.headers', h.value FROM "Webhook", jsonb_each_text(CASE WHEN jsonb_typeof(headers) = 'object' THEN headers ELSE '{}' END) h`,
    );
    return rows;
  };

  beforeAll(async () => {
    await env.start();
    graph = await FakeGraphApiServer.start([{ phoneNumberId: '106540352242922', token: CLOUD_TOKEN, displayPhoneNumber: '15550783881' }]);
    extraEnv = { WA_BUSINESS_URL: graph.url, WA_BUSINESS_VERSION: 'v21.0', LEASE_TTL_MS: '3000', METRICS_TOKEN: 'scraper-token' };
    // debug: libsignal's console output is logged (sanitised), so the test sees the session replacement happen
    gateway = await env.startGateway({ ...extraEnv, ENCRYPTION_KEYS: keysEnv(k1), LOG_LEVEL: 'debug' });
    ({ me, instanceId, token } = await env.linkInstance(gateway, NAME));
    alice = env.fake.createAccount({ pushName: 'Alice' });
  });

  afterAll(async () => {
    await graph?.close();
    await env.stop();
  });

  it('a database dump holds no private key, token or secret; find routes only say secrets are set', async () => {
    const set = await gateway.api('POST', `/webhook/set/${NAME}`, {
      apikey: API_KEY,
      body: {
        webhook: {
          enabled: true,
          url: `${env.receiver.url}/hooks`,
          byEvents: true,
          events: [],
          generateSecret: true,
          headers: { jwt_key: JWT_KEY, 'x-api-key': HEADER_SECRET, 'x-plain': 'visible' },
        },
      },
    });
    expect(set.status).toBe(201);
    signingSecret = set.body.secret;
    expect(signingSecret).toMatch(/^whsec_/);
    const cloud = await gateway.api('POST', '/instance/create', {
      apikey: API_KEY,
      body: { instanceName: 'vault-cloud', integration: 'WHATSAPP-BUSINESS', number: '106540352242922', token: CLOUD_TOKEN, businessId: '1' },
    });
    expect(cloud.status).toBe(201);

    // Traffic both ways, then a contact starting a new Signal session over an existing one
    // (libsignal closes the old session and prints it: "Closing session: SessionEntry {...privKey...}").
    await fromAlice('hello vault');
    const sent = await gateway.api('POST', `/message/sendText/${NAME}`, { apikey: API_KEY, body: { number: alice.phone, text: 'hi alice' } });
    expect(sent.status).toBe(201);
    await fromAlice('second');
    await fromAlice('after a new session', 'pkmsg');

    const find = await gateway.api('GET', `/webhook/find/${NAME}`, { apikey: API_KEY });
    expect(find.status).toBe(200);
    expect(find.body.headers).toEqual({ jwt_key: '[secret: set]', 'x-api-key': '[secret: set]', 'x-plain': 'visible' });
    expect(find.body.signed).toBe(true);
    expect(JSON.stringify(find.body)).not.toContain(signingSecret);

    // The instance token still authenticates (found by its HMAC, compared in constant time).
    expect((await gateway.api('GET', `/instance/connectionState/${NAME}`, { apikey: token })).status).toBe(200);
    expect((await gateway.api('GET', '/instance/fetchInstances', { apikey: token })).body.map((i: { name: string }) => i.name)).toEqual([NAME]);

    const cipher = new SecretCipher(new KeyRing([k1]));
    const [cred] = await env.db.query<{ creds: string }>('SELECT creds FROM "AuthCred" WHERE "instanceId" = $1', [instanceId]);
    const creds = JSON.parse(cipher.decrypt(cred.creds, secretContext.authCred(instanceId)));
    const preKeys = await env.db.query<{ keyId: string; value: string }>(
      `SELECT "keyId", value FROM "AuthKey" WHERE "instanceId" = $1 AND type = 'pre-key' LIMIT 20`,
      [instanceId],
    );
    const secrets = [
      ...privateValues(creds),
      ...preKeys.flatMap((k) => privateValues(JSON.parse(cipher.decrypt(k.value, secretContext.authKey(instanceId, 'pre-key', k.keyId))))),
    ];
    expect(secrets.length).toBeGreaterThanOrEqual(5); // noise, identity, signed pre-key, advSecretKey, pre-keys
    const { stdout: dump } = await run('pg_dump', ['-h', '127.0.0.1', '-U', 'postgres', '--data-only', env.db.name], { maxBuffer: 256 * 1024 * 1024 });
    expect(dump).toContain(instanceId); // it is the real dump
    const known = [...secrets, token, signingSecret, CLOUD_TOKEN, JWT_KEY, HEADER_SECRET];
    // Which table holds a leaked value (named by its COPY section; the value itself is not printed).
    const leaks = known.flatMap((secret, i) => {
      const at = dump.indexOf(secret);
      return at < 0 ? [] : [`secret #${i + 1} in ${/COPY public\.("\w+")[^\n]*\n(?![\s\S]*COPY public)/.exec(dump.slice(0, at))?.[1] ?? '?'}`];
    });
    expect(leaks).toEqual([]);
    for (const { col, v } of await storedSecrets()) expect(`${col} ${v.slice(0, 10)}`).toBe(`${col} enc:v1:k1:`);

    // No key material in the gateway's output (the session replacement above printed through our capture).
    expect(gateway.logs.some((l) => l.includes('Closing session: [SessionEntry]'))).toBe(true);
    expect(findKeyMaterial(gateway.logs, secrets)).toEqual([]);
  });

  it('a restart and another node open the stored session without a QR', async () => {
    const qrs = qrCount();
    await restartWith(keysEnv(k1));
    await fromAlice('after restart');
    // Another node takes over when this one shuts down (its leases are handed over).
    const other = await env.startGateway({ ...extraEnv, ENCRYPTION_KEYS: keysEnv(k1), NODE_ID: 'node-b' });
    const at = Date.now();
    await gateway.stop('SIGTERM');
    await env.receiver.waitFor(opened(at), 30_000, 'open on node-b');
    gateway = other;
    await fromAlice('on node b');
    expect(qrCount()).toBe(qrs);
  });

  it('secrets:rotate re-encrypts everything under a new key while messages keep arriving; then the old key can go', async () => {
    // 1. add the new key first (it encrypts new writes; the old one still decrypts)
    await restartWith(keysEnv(k2, k1));
    // 2. rotate while the instance receives messages
    const rotation = run(process.execPath, [ROTATE_MAIN, '--batch-size', '25', '--pause-ms', '0'], {
      env: { ...process.env, ...env.gatewayEnv({ ENCRYPTION_KEYS: keysEnv(k2, k1) }) },
    });
    const during = await Promise.all(['r1', 'r2', 'r3'].map((t) => fromAlice(`during rotation ${t}`)));
    const { stdout } = await rotation;
    expect(during).toHaveLength(3);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.msg === 'progress' && l.table === 'AuthKey').length).toBeGreaterThan(1); // batches report progress
    expect(lines.at(-1)).toMatchObject({ msg: 'rotation finished', failed: 0 });
    expect(stdout).not.toContain(k1.key.toString('base64'));
    // every value and lookup hash is under k2 now
    for (const { col, v } of await storedSecrets()) expect(`${col} ${v.slice(0, 10)}`).toBe(`${col} enc:v1:k2:`);
    const hashes = await env.db.query<{ tokenHash: string }>('SELECT "tokenHash" FROM "Instance"');
    for (const h of hashes) expect(h.tokenHash).toMatch(/^k2:/);
    // a rerun has nothing left to do (resumable / idempotent)
    const again = await run(process.execPath, [ROTATE_MAIN], { env: { ...process.env, ...env.gatewayEnv({ ENCRYPTION_KEYS: keysEnv(k2, k1) }) } });
    expect(JSON.parse(again.stdout.trim().split('\n').at(-1)!)).toMatchObject({ rewritten: 0, failed: 0 });

    // 3. remove the old key: the session, the token and the webhook secrets all still work
    await restartWith(keysEnv(k2));
    await fromAlice('old key removed');
    expect((await gateway.api('GET', `/instance/connectionState/${NAME}`, { apikey: token })).status).toBe(200);
    const signed = await fromAlice('signed with the rotated secret');
    const hook = env.receiver.received.find(upsert(signed.id))!;
    expect(hook.headers['webhook-signature']).toBeDefined();
  });

  it('stops at boot without the key an encrypted value needs, with a clear message', async () => {
    const none = env.startGateway({ ...extraEnv, ENCRYPTION_KEYS: '' });
    await expect(none).rejects.toThrow(/encrypted secrets .* but no ENCRYPTION_KEYS/);
    const oldOnly = env.startGateway({ ...extraEnv, ENCRYPTION_KEYS: keysEnv(k1) });
    await expect(oldOnly).rejects.toThrow(/key \\?"k2\\?", which is not in ENCRYPTION_KEYS/);
  });

  it('a session copied onto another instance row does not decrypt: that instance needs a new link, the rest runs', async () => {
    const victim = await gateway.api('POST', '/instance/create', { apikey: API_KEY, body: { instanceName: 'victim', qrcode: false } });
    expect(victim.status).toBe(201);
    const victimId = victim.body.instance.instanceId;
    await env.db.query(
      `INSERT INTO "AuthCred" ("instanceId", creds, "updatedAt") SELECT $2, creds, now() FROM "AuthCred" WHERE "instanceId" = $1
       ON CONFLICT ("instanceId") DO UPDATE SET creds = EXCLUDED.creds`,
      [instanceId, victimId],
    );
    await restartWith(keysEnv(k2));
    const notRestored = /instance victim: not restored, it needs a new link/;
    // the restore may have logged it while the other instance was opening
    if (!gateway.logs.some((l) => notRestored.test(l))) await gateway.waitForLog(notRestored);
    const state = await gateway.api('GET', '/instance/fetchInstances?instanceName=victim', { apikey: API_KEY });
    expect(state.body[0]).toMatchObject({ connectionStatus: 'close', disconnectionReasonCode: 401 });
    const connect = await gateway.api('GET', '/instance/connect/victim', { apikey: API_KEY });
    expect(connect.status).toBe(409);
    expect(connect.body).toMatchObject({ status: 409, error: 'Conflict' });
    expect(connect.body.response.message[0]).toMatch(/cannot be decrypted .*needs a new link/);
    await fromAlice('vault still receives');
  });

  it('/metrics needs the global key or METRICS_TOKEN', async () => {
    const metrics = (headers: Record<string, string>) => fetch(`${gateway.url}/metrics`, { headers });
    const anonymous = await metrics({});
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ status: 401, error: 'Unauthorized' });
    expect((await metrics({ apikey: token })).status).toBe(401); // an instance token is not enough
    expect((await metrics({ apikey: API_KEY })).status).toBe(200);
    const scraper = await metrics({ authorization: 'Bearer scraper-token' });
    expect(scraper.status).toBe(200);
    expect(await scraper.text()).toContain('webhook_deliveries_total');
  });

  // Last: it leaves this client address refused for the rest of the window.
  it('repeated wrong API keys from one address get 429 (even with the right key), logged once without the key', async () => {
    await gateway.stop('SIGTERM');
    gateway = await env.startGateway({ ...extraEnv, ENCRYPTION_KEYS: keysEnv(k2), AUTH_FAILURE_LIMIT: '3', AUTH_FAILURE_WINDOW_S: '600' });
    // a fresh window: earlier tests made failed attempts (the instance token on /metrics) from this address
    const redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const counters = await redis.keys(`${env.redisPrefix}:authfail:*`);
    expect(counters.length).toBe(1); // one bounded counter per failing address
    await redis.del(...counters);
    redis.disconnect();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await gateway.api('GET', '/instance/fetchInstances', { apikey: `guess-number-${i}` })).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const refused = await gateway.api('GET', '/instance/fetchInstances', { apikey: API_KEY });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ status: 429, error: 'Too Many Requests' });
    // shared through Redis: another node refuses the same address
    const other = await env.startGateway({ ...extraEnv, ENCRYPTION_KEYS: keysEnv(k2), AUTH_FAILURE_LIMIT: '3', AUTH_FAILURE_WINDOW_S: '600' });
    expect((await other.api('GET', '/instance/fetchInstances', { apikey: 'guess-number-5' })).status).toBe(429);
    const warned = gateway.logs.filter((l) => l.includes('failed API key attempts'));
    expect(warned).toHaveLength(1);
    expect(gateway.logs.join('\n')).not.toContain('guess-number');
  });
});
