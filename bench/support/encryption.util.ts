import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The encryption side of the same-run comparisons (issue #14): a bench links with no key, measures,
 * then encrypts everything it stored with `npm run secrets:rotate` (the upgrade path) and measures
 * the same instances again with the key.
 */
export const benchEncryptionKeys = () => `bench:${randomBytes(32).toString('base64')}`;

export async function encryptStoredSecrets(env: Record<string, string>, keys: string): Promise<{ rewritten: number; ms: number }> {
  const started = Date.now();
  const { stdout } = await promisify(execFile)(process.execPath, [join(process.cwd(), 'dist/apps/secrets-rotate/src/main.js'), '--pause-ms', '0'], {
    env: { ...process.env, ...env, ENCRYPTION_KEYS: keys },
    maxBuffer: 64 * 1024 * 1024,
  });
  const last = JSON.parse(stdout.trim().split('\n').at(-1)!) as { rewritten: number; failed: number };
  if (last.failed) throw new Error(`secrets:rotate could not encrypt ${last.failed} values`);
  return { rewritten: last.rewritten, ms: Date.now() - started };
}
