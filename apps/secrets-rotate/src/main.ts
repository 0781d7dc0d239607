import 'reflect-metadata';
import { Pool } from 'pg';
import { loadConfigOrExit } from '@gw/config';
import { KeyRing, SecretCipher, TokenHasher } from '@gw/crypto';
import { RotationProgress, RotationReport, SecretsRotation } from '@gw/persistence';

const RETRIES = 10;

/** Connection loss and server shutdowns (class 08 / 57P): worth resuming after. */
function isTransient(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return code.startsWith('08') || code.startsWith('57P') || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(code) || /terminat|Connection/i.test((err as Error).message);
}

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
  pool.on('error', () => undefined); // an idle connection dropped by a restart; queries report their own errors
  const started = Date.now();
  try {
    print({ msg: 'rotating secrets', primaryKey: ring.primary!.id, keys: ring.ids });
    const rotation = new SecretsRotation(pool, new SecretCipher(ring), new TokenHasher(ring));
    const options = {
      batchSize: Math.max(1, option('batch-size', 500)),
      pauseMs: option('pause-ms', 20),
      onProgress: (p: RotationProgress) => print({ msg: 'progress', ...p }),
      onFailure: (table: string, row: string, reason: string) => print({ msg: 'cannot re-encrypt', table, row, reason }),
    };
    let report: RotationReport | undefined;
    // Every batch is committed as it goes, so after a database restart it simply starts over.
    for (let attempt = 1; !report; attempt++) {
      try {
        report = await rotation.run(options);
      } catch (err) {
        if (attempt >= RETRIES || !isTransient(err)) throw err;
        print({ msg: 'database unavailable, resuming', attempt, error: (err as Error).message });
        await new Promise((r) => setTimeout(r, 1000 * attempt));
      }
    }
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
