import 'reflect-metadata';
import { Pool } from 'pg';
import { loadConfigOrExit } from '@gw/config';
import { KeyRing, SecretCipher, TokenHasher } from '@gw/crypto';
import { SecretsRotation } from '@gw/persistence';

/**
 * `npm run secrets:rotate [-- --batch-size 500 --pause-ms 50]`: re-encrypts every stored secret
 * with the first key of ENCRYPTION_KEYS (and encrypts rows still in plaintext). Safe while
 * gateways run; interrupt and rerun at will. Prints one JSON line per batch.
 */
function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`--${name} must be a whole number\n`);
    process.exit(2);
  }
  return value;
}

async function main() {
  const config = loadConfigOrExit();
  const ring = new KeyRing(config.secrets.keys);
  if (!ring.enabled) {
    process.stderr.write('secrets:rotate: no ENCRYPTION_KEYS (or ENCRYPTION_KEYS_FILE) configured; add a key first (README "Secrets")\n');
    process.exit(2);
  }
  const print = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
  const pool = new Pool({ connectionString: config.database.url, max: 2 });
  const started = Date.now();
  try {
    print({ msg: 'rotating secrets', primaryKey: ring.primary!.id, keys: ring.ids });
    const report = await new SecretsRotation(pool, new SecretCipher(ring), new TokenHasher(ring)).run({
      batchSize: Math.max(1, option('batch-size', 500)),
      pauseMs: option('pause-ms', 20),
      onProgress: (p) => print({ msg: 'progress', ...p }),
      onFailure: (table, row, reason) => print({ msg: 'cannot re-encrypt', table, row, reason }),
    });
    print({ msg: 'rotation finished', rewritten: report.rewritten, failed: report.failed, ms: Date.now() - started });
    if (report.failed) {
      process.stderr.write(`secrets:rotate: ${report.failed} value(s) could not be re-encrypted (see above); keep the old key until they are resolved\n`);
      process.exitCode = 1;
    }
  } finally {
    await pool.end();
  }
}

main().catch((err) => {
  process.stderr.write(`secrets:rotate failed: ${(err as Error).message}\n`);
  process.exit(1);
});
