// @ts-check
'use strict';
/** Plain pg helpers: database creation and read-only status queries (no engine needed). */
const { CliError } = require('./log');
const { pgOptions } = require('./database-config');

/** @typedef {import('./database-config').DatabaseConfig} DatabaseConfig */
/** @typedef {import('./database-config').PgOptions} PgOptions */
/** @typedef {import('pg').Client} PgClient */

/**
 * @template T
 * @param {PgOptions} options
 * @param {(client: PgClient) => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withClient(options, fn) {
  const pg = require('pg');
  const client = new pg.Client(options);
  client.on('error', () => {}); // a dropped idle connection must not crash the process
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** @param {string} name */
function quoteIdent(name) {
  return '"' + name.replace(/"/g, '""') + '"';
}

/** @param {DatabaseConfig} db */
async function databaseExists(db) {
  try {
    await withClient(pgOptions(db), async () => {});
    return true;
  } catch (err) {
    if (err.code === '3D000') return false; // invalid_catalog_name: database does not exist
    throw new CliError(`cannot connect to ${db.display}: ${err.message}`);
  }
}

/**
 * CREATE DATABASE (via the `postgres` maintenance database) when it is missing.
 * @param {DatabaseConfig} db
 */
async function ensureDatabase(db) {
  if (await databaseExists(db)) return false;
  await withClient(pgOptions(db, 'postgres'), async (client) => {
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(db.database)}`);
    } catch (err) {
      if (err.code !== '42P04') throw err; // duplicate_database: created concurrently
    }
  });
  return true;
}

/** @param {DatabaseConfig} db */
async function ensureSchema(db) {
  if (db.schema === 'public') return;
  await withClient(pgOptions(db), (client) => client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(db.schema)}`));
}

module.exports = { withClient, quoteIdent, databaseExists, ensureDatabase, ensureSchema };
