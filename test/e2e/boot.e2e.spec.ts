import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { GatewayProcess, TestDatabase, nodeCommandOf } from '@gw/testing';

const MAIN = join(process.cwd(), 'dist/apps/gateway/src/main.js');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Runs the gateway to its exit (for configurations it must refuse); returns its exit code and output. */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH!, ENV_FILE: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

async function databaseExists(name: string): Promise<boolean> {
  const client = new Client({ connectionString: process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('gateway boot (e2e)', () => {
  const db = new TestDatabase(); // created by the gateway's own migrations
  const redisPrefix = `gwboot_${randomBytes(4).toString('hex')}`;
  const gateways: GatewayProcess[] = [];
  const start = async (env: Record<string, string>) => {
    const gw = new GatewayProcess({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix, ...env });
    gateways.push(gw);
    return gw.start();
  };

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop('SIGKILL')));
    await db.drop();
    const redis = new IORedis(REDIS_URL);
    const keys = await redis.keys(`${redisPrefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('reports every configuration problem at once, by name, before touching the database', async () => {
    const { code, output } = await runToExit({ PORT: 'abc', QRCODE_LIMIT: '0', REDIS_URL: 'http://nope' });
    expect(code).toBe(1);
    const problems = output.split('\n').filter((l) => l.startsWith('config error: ')).map((l) => l.split(':')[1].trim());
    expect(problems.sort()).toEqual(['AUTHENTICATION_API_KEY', 'DATABASE_URL', 'PORT', 'QRCODE_LIMIT', 'REDIS_URL']);
    expect(output).not.toMatch(/Migrations|Nest application/);

    // Valid except PORT: still refused before migrations, so the database is never created.
    const badPort = await runToExit({ PORT: '70000', AUTHENTICATION_API_KEY: 'k', DATABASE_URL: db.url, REDIS_URL });
    expect(badPort.code).toBe(1);
    expect(badPort.output).toMatch(/config error: PORT: PORT must not be greater than 65535/);
    expect(await databaseExists(db.name)).toBe(false);
  });

  it('reads the env file; variables of the real environment win', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-envfile-'));
    const file = join(dir, 'gateway.env');
    writeFileSync(file, 'AUTHENTICATION_API_KEY="key from file"\nCONFIG_SESSION_PHONE_CLIENT="WA Gateway"\nREDIS_PREFIX=from-file\n');
    const gw = await start({ ENV_FILE: file });
    // Tests run the gateway as npm start does, node options included (test/start-commands.spec.ts).
    const argv = readFileSync(`/proc/${gw.pid}/cmdline`, 'utf8').split('\0');
    expect(argv.slice(1, -1)).toEqual([...nodeCommandOf('start').flags, MAIN]);
    expect((await gw.api('GET', '/instance/fetchInstances', { apikey: 'key from file' })).status).toBe(200);
    expect((await gw.api('GET', '/instance/fetchInstances', { apikey: 'k' })).status).toBe(401);
    const listening = JSON.parse(gw.logs.find((l) => l.includes('"gateway listening"'))!);
    expect(listening.envFile).toBe(file);
    // REDIS_PREFIX was set by the test's environment, so the file's value was ignored.
    const created = await gw.api('POST', '/instance/create', { apikey: 'key from file', body: { instanceName: 'envfile' } });
    expect(created.status).toBe(201);
    await gw.stop();
    const redis = new IORedis(REDIS_URL);
    try {
      expect((await redis.keys(`${redisPrefix}:*`)).length).toBeGreaterThan(0);
      expect(await redis.keys('from-file:*')).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('applies migrations itself, and at info logs a short summary instead of every route', async () => {
    const gw = await start({ AUTHENTICATION_API_KEY: 'k' });
    const boot = gw.logs.slice(0, gw.logs.findIndex((l) => l.includes('"gateway listening"')) + 1);
    expect(boot.some((l) => /No pending migrations|Applied \d+ migration/.test(l))).toBe(true);
    expect(boot.filter((l) => l.includes('Mapped {'))).toEqual([]);
    expect(boot.length).toBeLessThanOrEqual(12);
    await gw.stop();
  });

  it('/docs-json documents every route it serves, and marks the public ones', async () => {
    const gw = await start({ AUTHENTICATION_API_KEY: 'k', LOG_LEVEL: 'debug', SERVER_BASE_PATH: '/wa' });
    const mapped = gw.logs
      .map((l) => /Mapped \{([^,]+), (\w+)\} route/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map(([, path, method]) => `${method} ${path.replace(/:(\w+)/g, '{$1}').replace(/\*path$/, '{path}')}`);
    expect(mapped.length).toBeGreaterThan(80);
    const docs = await gw.api('GET', '/wa/docs-json');
    expect(docs.status).toBe(200);
    const documented = new Set<string>();
    const publicOps: string[] = [];
    for (const [path, item] of Object.entries<Record<string, { security?: unknown[]; description?: string }>>(docs.body.paths)) {
      for (const [method, op] of Object.entries(item)) {
        documented.add(`${method.toUpperCase()} ${path}`);
        if (Array.isArray(op.security) && op.security.length === 0) publicOps.push(`${method.toUpperCase()} ${path}`);
        expect([path, op.description ?? '']).toEqual([path, expect.stringMatching(/API key|token|Answers 501|METRICS_TOKEN/)]);
      }
    }
    // Catch-all 501 routes are served for ALL methods; the document lists the usual four.
    const missing = mapped.filter((r) => (r.startsWith('ALL ') ? !documented.has(r.replace(/^ALL/, 'GET')) : !documented.has(r)));
    expect(missing).toEqual([]);
    expect(publicOps.sort()).toEqual(
      ['GET /wa', 'GET /wa/manager', 'GET /wa/manager/{path}', 'GET /wa/media/{instanceId}/{messageId}', 'GET /wa/webhook/meta', 'GET /wa/webhook/whatsapp/{instanceName}', 'POST /wa/webhook/meta', 'POST /wa/webhook/whatsapp/{instanceName}'].sort(),
    );
    expect(docs.body.paths['/wa/instance/create'].post.description).toMatch(/global API key/);
    await gw.stop();
  });
});
