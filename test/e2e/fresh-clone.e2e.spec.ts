import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import IORedis from 'ioredis';
import { TestDatabase, freePort } from '@gw/testing';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the same CommonJS helper .ci/run uses
const { readmeCommands } = require('../../scripts/readme-commands.js') as { readmeCommands(name: string): string[] };

const ROOT = process.cwd();
const git = (args: string[], cwd = ROOT) => execFileSync('git', args, { cwd, maxBuffer: 256 * 1024 * 1024 });

/**
 * A clone of this repository as it would be committed: HEAD, plus the working tree's changes to
 * tracked files and its new files (so a local run tests the edit at hand; in CI the two are the same).
 */
function cloneWorkingTree(into: string): void {
  git(['clone', '--quiet', '--no-hardlinks', ROOT, into]);
  const patch = git(['diff', 'HEAD', '--binary']);
  if (patch.length) execFileSync('git', ['apply', '--whitespace=nowarn', '-'], { cwd: into, input: patch });
  for (const file of git(['ls-files', '--others', '--exclude-standard', '-z']).toString().split('\0').filter(Boolean)) {
    mkdirSync(dirname(join(into, file)), { recursive: true });
    cpSync(join(ROOT, file), join(into, file));
  }
}

/** The parent `npm test` and Jest leave npm_* and NODE_OPTIONS behind; a newcomer's shell has neither. */
function newcomerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith('npm_') && key !== 'NODE_OPTIONS' && key !== 'INIT_CWD') env[key] = value;
  }
  return { ...env, ...extra };
}

interface Run {
  child: ChildProcess;
  output: string[];
  listening: Promise<number>;
}

/** Runs shell commands in their own process group (npm starts node in a child); resolves when the gateway listens. */
function runShell(commands: string, cwd: string, env: NodeJS.ProcessEnv): Run {
  const started = Date.now();
  const child = spawn('bash', ['-e', '-c', commands], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const listening = new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (chunk.toString().includes('"gateway listening"')) resolve(Date.now() - started);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`README commands exited with ${code}:\n${output.join('').slice(-4000)}`)));
  });
  return { child, output, listening };
}

async function stop(run: Run): Promise<void> {
  if (run.child.exitCode !== null || run.child.signalCode !== null) return;
  const exited = new Promise((r) => run.child.once('exit', r));
  process.kill(-run.child.pid!, 'SIGTERM');
  await exited;
}

describe('a fresh clone, with the README commands as written', () => {
  const work = mkdtempSync(join(tmpdir(), 'gw-fresh-clone-'));
  const clone = join(work, 'repo');
  const db = new TestDatabase(); // not created: the README's commands must create and migrate it
  const redisPrefix = `gwfresh_${randomBytes(4).toString('hex')}`;
  let port = 0;
  let run: Run | undefined;

  beforeAll(async () => {
    port = await freePort();
    cloneWorkingTree(clone);
  });

  afterAll(async () => {
    if (run) await stop(run);
    await db.drop();
    const redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const keys = await redis.keys(`${redisPrefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    rmSync(work, { recursive: true, force: true });
  });

  it('installs, builds, migrates and listens; a second start reuses the build', async () => {
    expect(existsSync(join(clone, 'node_modules'))).toBe(false);
    expect(existsSync(join(clone, 'prisma', 'generated'))).toBe(false);
    // Only what is not the newcomer's to choose is set: where the test's own database, Redis keys and port are.
    // Everything else (the API key included) comes from the .env the commands copy from .env.example.
    const env = newcomerEnv({ DATABASE_URL: db.url, REDIS_PREFIX: redisPrefix, PORT: String(port), SERVER_URL: `http://127.0.0.1:${port}` });

    run = runShell(readmeCommands('run').join('\n'), clone, env);
    const firstMs = await run.listening;
    const firstOutput = run.output.join('');
    expect(firstOutput).toMatch(/build: no build yet/);
    expect(firstOutput).toMatch(/Applied \d+ migrations/);

    const root = await fetch(`http://127.0.0.1:${port}/`);
    expect(root.status).toBe(200);
    // The key in .env.example was read from .env: the gateway accepts it and refuses another.
    const withKey = await fetch(`http://127.0.0.1:${port}/instance/fetchInstances`, { headers: { apikey: 'change-me' } });
    expect([withKey.status, await withKey.json()]).toEqual([200, []]);
    expect((await fetch(`http://127.0.0.1:${port}/instance/fetchInstances`, { headers: { apikey: 'nope' } })).status).toBe(401);
    await stop(run);

    run = runShell('npm start', clone, env);
    const secondMs = await run.listening;
    const secondOutput = run.output.join('');
    expect(secondOutput).not.toMatch(/build: /);
    expect(secondOutput).toMatch(/No pending migrations/);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    await stop(run);

    // Figures for the README and the session note; not assertions (timing is the machine's, not the code's).
    const npmCi = /added \d+ packages.* in (\S+)/.exec(firstOutput)?.[1] ?? '?';
    process.stdout.write(`fresh clone: npm ci ${npmCi}; README run commands to listening ${firstMs} ms; second npm start ${secondMs} ms\n`);
  }, 900_000);
});
