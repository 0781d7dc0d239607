#!/usr/bin/env node
// @ts-check
'use strict';
/*
 * Prisma migrations without the native schema engine.
 *
 *   node scripts/migrate.js deploy          apply committed migrations not yet applied
 *   node scripts/migrate.js create <name>   write prisma/migrations/<timestamp>_<name>/migration.sql
 *   node scripts/migrate.js status          list applied / pending migrations
 *
 * `prisma migrate` needs a native schema-engine binary that is downloaded on first use,
 * which offline machines and CI cannot do. The same engine ships as WebAssembly in
 * @prisma/schema-engine-wasm (pinned to the engine hash of the installed prisma), and it
 * talks to PostgreSQL through a driver adapter (@prisma/adapter-pg). Because it is the
 * same Rust code, it reads and writes `_prisma_migrations` exactly like
 * `prisma migrate deploy`, so both tools can be used interchangeably on a database.
 *
 * Plain CommonJS on purpose: it runs before the TypeScript build. Type-checked all the same
 * (// @ts-check, JSDoc types, scripts/tsconfig.json): `node scripts/build.js` runs that check.
 * The parts are in scripts/migrate/: log, database-config, migrations-dir, pg-admin,
 * adapter-factory, schema-engine, commands.
 */

const { CliError, DEBUG, redact, setLogSink, setRedactedPassword } = require('./migrate/log');
const { readDatabaseConfig } = require('./migrate/database-config');
const { create, deploy, status } = require('./migrate/commands');
const { engineError } = require('./migrate/schema-engine');

/** @typedef {import('./migrate/database-config').DatabaseConfig} DatabaseConfig */

const USAGE = 'usage: node scripts/migrate.js <deploy | create <name> | status>';

/** @param {string[]} argv */
async function main(argv) {
  const [command, ...args] = argv;
  /** @type {Record<string, (db: DatabaseConfig, ...args: string[]) => Promise<void>>} */
  const commands = { deploy, create, status };
  if (!Object.hasOwn(commands, command)) throw new CliError(USAGE);
  const db = readDatabaseConfig();
  setRedactedPassword(db.password);
  await commands[command](db, ...args);
}

/**
 * For the gateway's boot: apply pending migrations to `databaseUrl`, logging through `logLine`.
 * @param {string} databaseUrl
 * @param {(line: string) => void} [logLine]
 */
async function deployTo(databaseUrl, logLine) {
  const previous = { url: process.env.DATABASE_URL, out: logLine ? setLogSink(logLine) : undefined };
  process.env.DATABASE_URL = databaseUrl;
  try {
    const db = readDatabaseConfig();
    setRedactedPassword(db.password);
    await deploy(db);
  } catch (err) {
    throw new Error(`migrations failed: ${redact(err instanceof CliError ? err.message : engineError(err).message)}`);
  } finally {
    if (previous.url === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous.url;
    if (previous.out) setLogSink(previous.out);
  }
}

module.exports = { deployTo };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(process.exitCode ?? 0),
    (err) => {
      const message = err instanceof CliError ? err.message : engineError(err).message;
      process.stderr.write(`migrate: ${redact(message)}\n`);
      if (DEBUG && !(err instanceof CliError)) process.stderr.write(redact(err.stack ?? '') + '\n');
      process.exit(1);
    },
  );
}
