import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

/** What loading the env file did, for the boot log (values are never reported). */
export interface EnvFileResult {
  path?: string;
  applied: string[];
  error?: string;
}

/**
 * Reads `.env` (or the file named by ENV_FILE; ENV_FILE= with no value reads none) into `env`.
 * Variables already set in the real environment win, as with `docker run -e` or a shell export.
 * Node's own dotenv parser is used so the gateway, the worker and scripts/migrate.js agree on quoting.
 */
export function loadEnvFile(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): EnvFileResult {
  const named = env.ENV_FILE;
  if (named === '') return { applied: [] };
  const path = resolve(cwd, named ?? '.env');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A missing default .env is normal (Docker, CI); a missing file the user named is an error.
    if (code === 'ENOENT' && named === undefined) return { applied: [] };
    return { path, applied: [], error: `ENV_FILE: cannot read ${path} (${code ?? (err as Error).message})` };
  }
  const applied: string[] = [];
  for (const [key, value] of Object.entries(parseEnv(text))) {
    if (env[key] !== undefined) continue;
    env[key] = value;
    applied.push(key);
  }
  return { path, applied };
}
