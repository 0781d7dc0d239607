import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { loadEnvFile } from './env-file.loader';
import { loadConfig } from './load-config';

function dirWith(envText: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'envfile-'));
  writeFileSync(join(dir, '.env'), envText);
  return dir;
}

describe('loadEnvFile', () => {
  it('fills unset variables from .env, and the real environment wins', () => {
    const dir = dirWith('PORT=9000\nCONFIG_SESSION_PHONE_CLIENT="WA Gateway" # shown on the phone\nREDIS_PREFIX=fromfile\n');
    const env: NodeJS.ProcessEnv = { REDIS_PREFIX: 'fromshell' };
    const result = loadEnvFile(env, dir);
    expect(env).toEqual({ PORT: '9000', CONFIG_SESSION_PHONE_CLIENT: 'WA Gateway', REDIS_PREFIX: 'fromshell' });
    expect(result.applied.sort()).toEqual(['CONFIG_SESSION_PHONE_CLIENT', 'PORT']);
    expect(result.path).toBe(join(dir, '.env'));
  });

  it('reads no file without a .env, the file ENV_FILE names, and none for ENV_FILE=', () => {
    const empty = mkdtempSync(join(tmpdir(), 'envfile-'));
    expect(loadEnvFile({}, empty)).toEqual({ applied: [] });

    const dir = dirWith('PORT=1\n');
    writeFileSync(join(dir, 'other.env'), 'PORT=2\n');
    const named: NodeJS.ProcessEnv = { ENV_FILE: 'other.env' };
    loadEnvFile(named, dir);
    expect(named.PORT).toBe('2');

    const none: NodeJS.ProcessEnv = { ENV_FILE: '' };
    loadEnvFile(none, dir);
    expect(none.PORT).toBeUndefined();
  });

  it('reports a file named by ENV_FILE that cannot be read', () => {
    const result = loadEnvFile({ ENV_FILE: 'missing.env' }, mkdtempSync(join(tmpdir(), 'envfile-')));
    expect(result.error).toMatch(/^ENV_FILE: cannot read .*missing\.env \(ENOENT\)$/);
  });

  it('gives a configuration loadConfig accepts from .env.example alone', () => {
    const env: NodeJS.ProcessEnv = { ENV_FILE: '.env.example' };
    loadEnvFile(env, process.cwd());
    const config = loadConfig(env);
    expect(config.whatsapp.browser).toEqual(['WA Gateway', 'Chrome', '1.0']);
  });

  // A newcomer may `set -a; . ./.env` in a shell: every value must mean the same there as to the gateway.
  it('.env.example is shell-safe: sh and the gateway read the same values', () => {
    const text = readFileSync(join(process.cwd(), '.env.example'), 'utf8');
    const parsed = parseEnv(text);
    const script = 'set -eu; set -a; . ./.env.example; set +a; node -e "process.stdout.write(JSON.stringify(process.env))"';
    const shellEnv = JSON.parse(execFileSync('sh', ['-c', script], { cwd: process.cwd(), env: { PATH: process.env.PATH } }).toString());
    expect(Object.keys(parsed).length).toBeGreaterThan(30);
    for (const [key, value] of Object.entries(parsed)) expect([key, shellEnv[key]]).toEqual([key, value]);
  });
});

describe('configuration problems are all reported at once', () => {
  it('a missing DATABASE_URL does not hide a bad PORT; one line per variable', () => {
    let problems: string[] = [];
    try {
      loadConfig({ PORT: 'abc', AUTHENTICATION_API_KEY: 'k' });
    } catch (err) {
      problems = (err as { problems: string[] }).problems;
    }
    expect(problems).toEqual([
      'PORT: PORT must be an integer number',
      'DATABASE_URL: DATABASE_URL is required (e.g. postgresql://postgres@127.0.0.1:5432/gateway)',
    ]);
  });
});
