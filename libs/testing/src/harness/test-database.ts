import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);
const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** A fresh database per test file, migrated with the same script `npm start` uses. */
export class TestDatabase {
  readonly name = `gw_test_${randomBytes(5).toString('hex')}`;
  readonly url: string;

  constructor() {
    const u = new URL(ADMIN_URL);
    u.pathname = `/${this.name}`;
    this.url = u.toString();
  }

  async create(): Promise<this> {
    await run(process.execPath, ['scripts/migrate.js', 'deploy'], {
      env: { ...process.env, DATABASE_URL: this.url },
      cwd: process.cwd(),
    });
    return this;
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async drop(): Promise<void> {
    const client = new Client({ connectionString: ADMIN_URL });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  }
}
