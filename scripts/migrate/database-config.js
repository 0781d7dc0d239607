// @ts-check
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { CliError } = require('./log');

/**
 * @typedef {object} DatabaseConfig  DATABASE_URL, validated and taken apart.
 * @property {URL} url
 * @property {string} database
 * @property {string} schema
 * @property {string} password
 * @property {string} display  "<database> on <host>:<port>", for messages (no credentials)
 */
/** @typedef {import('pg').ClientConfig} PgOptions */

/**
 * Fills unset variables from ./.env (or the file ENV_FILE names; ENV_FILE= reads none), with the
 * same rules as the gateway and the worker (libs/config/src/env-file.loader.ts): Node's own dotenv
 * parser, and variables set in the real environment win.
 */
function loadDotEnv() {
  const named = process.env.ENV_FILE;
  if (named === '') return;
  let text;
  try {
    text = fs.readFileSync(path.resolve(process.cwd(), named ?? '.env'), 'utf8');
  } catch (err) {
    if (named === undefined && err.code === 'ENOENT') return;
    throw new CliError(`ENV_FILE: cannot read ${named ?? '.env'} (${err.code ?? err.message})`);
  }
  for (const [key, value] of Object.entries(require('node:util').parseEnv(text))) {
    if (process.env[key] === undefined) process.env[key] = value;
  }
}

/** Validated connection settings derived from DATABASE_URL. */
function readDatabaseConfig() {
  loadDotEnv();
  const raw = process.env.DATABASE_URL;
  if (!raw) throw new CliError('DATABASE_URL is not set (environment or .env)');
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError('DATABASE_URL is not a valid URL');
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new CliError(`DATABASE_URL must be a postgresql:// URL (got ${url.protocol}//)`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new CliError('DATABASE_URL has no database name');
  // `?schema=` is Prisma's convention, pg does not know it: it becomes the search_path.
  const schema = url.searchParams.get('schema') || 'public';
  url.searchParams.delete('schema');
  return {
    url,
    database,
    schema,
    password: url.password ? decodeURIComponent(url.password) : '',
    display: `${database} on ${url.hostname || 'localhost'}:${url.port || 5432}`,
  };
}

/**
 * pg connection options for `database` on the DATABASE_URL server.
 * @param {DatabaseConfig} db
 * @returns {PgOptions}
 */
function pgOptions(db, database = db.database) {
  const url = new URL(db.url.href);
  url.pathname = '/' + encodeURIComponent(database);
  /** @type {PgOptions} */
  const options = { connectionString: url.href };
  if (db.schema !== 'public') options.options = `-c search_path="${db.schema.replace(/"/g, '""')}"`;
  return options;
}

module.exports = { readDatabaseConfig, pgOptions };
