// @ts-check
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** @typedef {import('./schema-engine').MigrationsList} MigrationsList */

const ROOT = path.resolve(__dirname, '..', '..');
const SCHEMA_PATH = path.join(ROOT, 'prisma', 'schema.prisma');
const MIGRATIONS_DIR = path.join(ROOT, 'prisma', 'migrations');
const LOCK_FILE = 'migration_lock.toml';
const LOCK_FILE_CONTENT =
  '# Read by Prisma Migrate and scripts/migrate.js; keep it in version control.\n' +
  'provider = "postgresql"\n';

function readSchemaFiles() {
  return [{ path: SCHEMA_PATH, content: fs.readFileSync(SCHEMA_PATH, 'utf8') }];
}

/**
 * The engine's `MigrationList`: every sub-directory of prisma/migrations with its
 * migration.sql, sorted by name, plus the lock file. `lockFallback` stands in for a
 * missing lock file (the engine refuses to guess the provider; `create` writes it).
 */
/**
 * @param {string | null} [lockFallback]
 * @returns {MigrationsList}
 */
function readMigrationsList(lockFallback = null) {
  /** @type {fs.Dirent[]} */
  let entries = [];
  try {
    entries = fs.readdirSync(MIGRATIONS_DIR, { withFileTypes: true });
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  const migrationDirectories = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      /** @type {{ tag: 'ok' | 'error', value: string }} */
      let content;
      try {
        content = { tag: 'ok', value: fs.readFileSync(path.join(MIGRATIONS_DIR, name, 'migration.sql'), 'utf8') };
      } catch (err) {
        content = { tag: 'error', value: err.message };
      }
      return { path: name, migrationFile: { path: 'migration.sql', content } };
    });
  let lockContent = null;
  try {
    lockContent = fs.readFileSync(path.join(MIGRATIONS_DIR, LOCK_FILE), 'utf8');
  } catch {
    lockContent = lockFallback;
  }
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: LOCK_FILE, content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

module.exports = { MIGRATIONS_DIR, LOCK_FILE, LOCK_FILE_CONTENT, readSchemaFiles, readMigrationsList };
