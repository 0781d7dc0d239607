// @ts-check
'use strict';
/** The commands of scripts/migrate.js: deploy, create <name>, status. */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { CliError, log } = require('./log');
const { pgOptions } = require('./database-config');
const { LOCK_FILE, LOCK_FILE_CONTENT, MIGRATIONS_DIR, readMigrationsList, readSchemaFiles } = require('./migrations-dir');
const { databaseExists, ensureDatabase, ensureSchema, quoteIdent, withClient } = require('./pg-admin');
const { withEngine } = require('./schema-engine');

/** @typedef {import('./database-config').DatabaseConfig} DatabaseConfig */
/** @typedef {import('./schema-engine').MigrationsList} MigrationsList */

const NO_FILTER = { externalTables: [], externalEnums: [] };

/**
 * True when every migration on disk is recorded in _prisma_migrations as finished, with the same
 * checksum (sha256 of migration.sql, as Prisma records it), and none has failed. Then there is
 * nothing to do and the schema engine (a second or more to load) is not needed: this keeps
 * `npm start` and every gateway boot fast. Anything else goes through the engine, which decides.
 */
/**
 * @param {DatabaseConfig} db
 * @param {MigrationsList} migrationsList
 */
async function nothingPending(db, migrationsList) {
  return withClient(pgOptions(db), async (client) => {
    const table = `${quoteIdent(db.schema)}."_prisma_migrations"`;
    const exists = await client.query('SELECT to_regclass($1) IS NOT NULL AS ok', [table]);
    if (!exists.rows[0].ok) return false;
    const { rows } = await client.query(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM ${table}`);
    if (rows.some((row) => row.finished_at === null && row.rolled_back_at === null)) return false; // failed
    const applied = new Map(
      rows.filter((row) => row.finished_at !== null && row.rolled_back_at === null).map((row) => [row.migration_name, row.checksum]),
    );
    return migrationsList.migrationDirectories.every(
      (dir) =>
        dir.migrationFile.content.tag === 'ok' &&
        applied.get(dir.path) === crypto.createHash('sha256').update(dir.migrationFile.content.value).digest('hex'),
    );
  });
}

/** @param {DatabaseConfig} db */
async function deploy(db) {
  if (await ensureDatabase(db)) log(`Created database ${db.display}`);
  await ensureSchema(db);
  const migrationsList = readMigrationsList();
  const onDisk = migrationsList.migrationDirectories.length;
  if (await nothingPending(db, migrationsList)) {
    log(`No pending migrations: ${db.display} is up to date (${onDisk} migration${onDisk === 1 ? '' : 's'}).`);
    return;
  }
  const { appliedMigrationNames } = await withEngine(db, (engine) =>
    engine.applyMigrations({ migrationsList, filters: NO_FILTER }),
  );
  for (const name of appliedMigrationNames) log(`Applied ${name}`);
  const n = appliedMigrationNames.length;
  log(
    n === 0
      ? `No pending migrations: ${db.display} is up to date (${onDisk} migration${onDisk === 1 ? '' : 's'}).`
      : `Applied ${n} migration${n === 1 ? '' : 's'} to ${db.display}; it is up to date (${onDisk} total).`,
  );
}

function migrationTimestamp(date = new Date()) {
  return date.toISOString().replace(/\D/g, '').slice(0, 14); // YYYYMMDDHHMMSS, UTC like Prisma
}

/**
 * @param {DatabaseConfig} db
 * @param {string} [rawName]
 */
async function create(db, rawName) {
  const name = String(rawName ?? '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 200);
  if (!name) throw new CliError('usage: node scripts/migrate.js create <name>');
  const hasLockFile = fs.existsSync(path.join(MIGRATIONS_DIR, LOCK_FILE));
  const migrationsList = readMigrationsList(LOCK_FILE_CONTENT);
  for (const dir of migrationsList.migrationDirectories) {
    if (dir.migrationFile.content.tag === 'error') {
      throw new CliError(`cannot read prisma/migrations/${dir.path}/migration.sql: ${dir.migrationFile.content.value}`);
    }
  }

  // The engine replays the migrations into a temporary shadow database (created and
  // dropped by the adapter factory) and diffs the result against schema.prisma.
  // (`createMigration` in the wasm build cannot open a shadow database, `diff` can.)
  if (await ensureDatabase(db)) log(`Created database ${db.display}`);
  const result = await withEngine(db, (engine) =>
    engine.diff({
      from: { tag: 'migrations', ...migrationsList },
      to: { tag: 'schemaDatamodel', files: readSchemaFiles() },
      script: true,
      exitCode: true, // 0: no difference, 2: there is a difference
      filters: NO_FILTER,
    }),
  );
  if (result.exitCode === 0) {
    log('no changes: prisma/schema.prisma matches the existing migrations');
    return;
  }
  const script = (result.stdout ?? '').replace(/\s*$/, '\n');
  const folder = `${migrationTimestamp()}_${name}`;
  const dir = path.join(MIGRATIONS_DIR, folder);
  if (fs.existsSync(dir)) throw new CliError(`prisma/migrations/${folder} already exists`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'migration.sql'), script);
  log(`Created prisma/migrations/${folder}/migration.sql`);
  if (!hasLockFile) {
    fs.writeFileSync(path.join(MIGRATIONS_DIR, LOCK_FILE), LOCK_FILE_CONTENT);
    log(`Created prisma/migrations/${LOCK_FILE}`);
  }
  log('Review the SQL, then commit it; `npm run db:migrate` applies it.');
}

/**
 * When each migration finished, from _prisma_migrations (display only).
 * @param {DatabaseConfig} db
 * @returns {Promise<Map<string, string>>}
 */
async function readFinishedAt(db) {
  return withClient(pgOptions(db), async (client) => {
    const table = `${quoteIdent(db.schema)}."_prisma_migrations"`;
    const exists = await client.query('SELECT to_regclass($1) IS NOT NULL AS ok', [table]);
    if (!exists.rows[0].ok) return new Map();
    const { rows } = await client.query(
      `SELECT migration_name, finished_at FROM ${table} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    return new Map(rows.map((row) => [row.migration_name, new Date(row.finished_at).toISOString()]));
  });
}

/**
 * @param {string} title
 * @param {string[]} names
 * @param {(name: string) => string} [describe]
 */
function listLines(title, names, describe = () => '') {
  log(`${title}:`);
  for (const name of names) log(`  ${name}${describe(name)}`);
  if (names.length === 0) log('  (none)');
}

/** @param {DatabaseConfig} db */
async function status(db) {
  const migrationsList = readMigrationsList();
  const local = migrationsList.migrationDirectories.map((dir) => dir.path);
  log(`${local.length} migration${local.length === 1 ? '' : 's'} in prisma/migrations; database ${db.display}`);

  if (!(await databaseExists(db))) {
    log('Database does not exist yet (deploy creates it).');
    listLines('Applied', []);
    listLines('Pending', local);
    process.exitCode = 1;
    return;
  }

  // The engine's own diagnosis, as behind `prisma migrate status` (no shadow database).
  const diagnosis = await withEngine(db, (engine) =>
    engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTER }),
  );
  const history = diagnosis.history;
  // One of three shapes: database behind, directory behind, or both (histories diverge).
  const pending = history && 'unappliedMigrationNames' in history ? history.unappliedMigrationNames : [];
  const missingLocally = history && 'unpersistedMigrationNames' in history ? history.unpersistedMigrationNames : [];
  const failed = diagnosis.failedMigrationNames;
  const edited = new Set(diagnosis.editedMigrationNames);
  const finishedAt = await readFinishedAt(db);
  if (!diagnosis.hasMigrationsTable) log('No _prisma_migrations table yet.');

  const applied = local.filter((name) => finishedAt.has(name));
  listLines('Applied', applied, (name) =>
    `  ${finishedAt.get(name)}${edited.has(name) ? '  (migration.sql was modified after it was applied)' : ''}`,
  );
  listLines('Pending', pending);
  for (const name of failed) log(`Failed, needs manual resolution: ${name}`);
  for (const name of missingLocally) log(`Applied to the database but missing from prisma/migrations: ${name}`);

  const upToDate = history === null && failed.length === 0;
  log(upToDate ? 'Database schema is up to date.' : 'Database schema is NOT up to date.');
  if (!upToDate) process.exitCode = 1;
}

module.exports = { deploy, create, status };
