import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ENCRYPTED_PREFIX, KeyRing } from '@gw/crypto';
import { PrismaService } from '../prisma.service';
import { SECRET_COLUMNS, storedValuesSql } from './secret-column.catalogue';

/** Exit code of a process refused at boot for its keys (distinct from config errors' 1 only in the message). */
const REFUSED_EXIT_CODE = 78; // EX_CONFIG

/**
 * Runs before anything reads a secret: a process must never run half-working on values it
 * cannot decrypt. Without ENCRYPTION_KEYS on a database that holds encrypted values, or with a
 * ring that lacks a key some value was encrypted with, it stops with one clear line. Without
 * any key on a plaintext database it runs (development) but says so loudly.
 */
@Injectable()
export class SecretsAtRestCheck implements OnModuleInit {
  private readonly logger = new Logger('Secrets');

  constructor(
    private readonly prisma: PrismaService,
    private readonly ring: KeyRing,
  ) {}

  async onModuleInit() {
    const problem = await this.findProblem();
    if (problem) {
      process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: `secrets: ${problem}` })}\n`);
      process.exit(REFUSED_EXIT_CODE);
    }
    if (!this.ring.enabled) {
      this.logger.warn(
        'NO ENCRYPTION KEY: WhatsApp sessions, instance tokens, webhook secrets and Cloud API tokens are stored UNENCRYPTED. ' +
          'Anyone who can read the database (or a backup) can take over every linked account. Set ENCRYPTION_KEYS (see README "Secrets").',
      );
    } else {
      this.logger.log(`secrets at rest: encrypting with key "${this.ring.primary!.id}" (${this.ring.keys.length} key(s) in the ring)`);
    }
  }

  /** The first reason to refuse to run, or undefined. Stops at the first offending value. */
  async findProblem(): Promise<string | undefined> {
    for (const column of SECRET_COLUMNS) {
      const { rows } = await this.prisma.pool.query<{ kid: string }>(
        `SELECT split_part(v, ':', 3) AS kid FROM (${storedValuesSql(column)}) s
         WHERE v LIKE $1 AND NOT (split_part(v, ':', 3) = ANY($2::text[])) LIMIT 1`,
        [`${ENCRYPTED_PREFIX}%`, this.ring.ids],
      );
      if (!rows.length) continue;
      return this.ring.enabled
        ? `${column.table}.${column.column} holds values encrypted with key "${rows[0].kid}", which is not in ENCRYPTION_KEYS ` +
            `(keys configured: ${this.ring.ids.join(', ')}). Add that key back (and run npm run secrets:rotate before removing it).`
        : `the database holds encrypted secrets (${column.table}.${column.column}, key "${rows[0].kid}") but no ENCRYPTION_KEYS ` +
            `(or ENCRYPTION_KEYS_FILE) is configured. Refusing to start: set the key(s) this database was written with.`;
    }
    return undefined;
  }
}
