// @ts-check
'use strict';
/** The driver adapter handed to the wasm engine: @prisma/adapter-pg over pg pools, made migration-aware. */
const crypto = require('node:crypto');
const { debugLog, redact } = require('./log');
const { pgOptions } = require('./database-config');
const { quoteIdent, withClient } = require('./pg-admin');

/** @typedef {import('./database-config').DatabaseConfig} DatabaseConfig */
/**
 * @typedef {object} AdapterLibs  The driver-adapter packages, loaded once per engine run.
 * @property {typeof import('pg')} pg
 * @property {typeof import('@prisma/adapter-pg').PrismaPg} PrismaPg
 * @property {typeof import('@prisma/driver-adapter-utils')} utils
 */
/**
 * @typedef {Error & { code?: string, severity?: string, position?: string, detail?: string, column?: string, hint?: string }} PgError
 */

/*
 * The engine's PostgreSQL describer selects pg_catalog columns of types that
 * @prisma/adapter-pg does not map (e.g. "char" for relkind/contype), and the adapter
 * rejects the whole result ("Column type 'char' could not be deserialized"). pg returns
 * these values as plain strings, so reporting them as `text` is faithful.
 */
const TEXT_OID = 25;
const CATALOG_OIDS_AS_TEXT = new Set([
  18, // "char"
  22, // int2vector
  24, // regproc
  28, // xid
  30, // oidvector
  194, // pg_node_tree
  1033, // aclitem
  1034, // aclitem[]
  2202, // regprocedure
  2203, // regoper
  2205, // regclass
  2206, // regtype
  3734, // regconfig
  4089, // regnamespace
  4096, // regrole
]);

/**
 * @template {import('pg').QueryResult | import('pg').QueryResult[] | undefined} R
 * @param {R} result
 * @returns {R}
 */
function retypeCatalogColumns(result) {
  for (const res of Array.isArray(result) ? result : [result]) {
    for (const field of res?.fields ?? []) {
      if (CATALOG_OIDS_AS_TEXT.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

function makeClientClass() {
  const pg = require('pg');
  return class CatalogTolerantClient extends pg.Client {
    /**
     * @param {any} config
     * @param {any} [values]
     * @param {any} [callback]
     * @returns {any}
     */
    query(config, values, callback) {
      if (config && typeof config.submit === 'function') return super.query(config, values, callback);
      const cb = typeof values === 'function' ? values : callback;
      const args = typeof values === 'function' ? undefined : values;
      if (cb) return super.query(config, args, (err, res) => cb(err, err ? res : retypeCatalogColumns(res)));
      return super.query(config, args).then(retypeCatalogColumns);
    }
  };
}

/**
 * "ERROR 42P01 at line 2: relation "x" does not exist": the engine's rewording loses the detail.
 * @param {PgError} err
 * @param {string} script
 */
function describePgError(err, script) {
  let text = err.code ? `ERROR ${err.code}` : 'ERROR';
  const position = Number(err.position);
  if (position > 0) text += ` at line ${script.slice(0, position - 1).split('\n').length}`;
  return `${text}: ${err.message}`;
}

/**
 * Maps a pg error the way the engine expects driver errors (kind "postgres").
 * @param {AdapterLibs['utils']} utils
 * @param {PgError} err
 */
function toDriverError(utils, err) {
  if (err && typeof err.code === 'string' && typeof err.severity === 'string') {
    return new utils.DriverAdapterError({
      kind: 'postgres',
      code: err.code,
      severity: err.severity,
      message: err.message,
      detail: err.detail,
      column: err.column,
      hint: err.hint,
    });
  }
  return err;
}

/**
 * A migration-aware adapter factory (connect + connectToShadowDb) over pg pools.
 * Tracks every pool and shadow database it creates so `close()` can clean up even
 * when the engine fails half-way.
 */
class MigrateAdapterFactory {
  provider = 'postgres';
  adapterName = '@prisma/adapter-pg';

  /**
   * @param {DatabaseConfig} db
   * @param {AdapterLibs} libs
   */
  constructor(db, libs) {
    this.db = db;
    this.libs = libs;
    this.Client = makeClientClass();
    /** @type {Set<import('pg').Pool>} */
    this.pools = new Set();
    /** @type {Set<string>} */
    this.shadowDatabases = new Set();
    /** @type {string | null} readable cause; the engine only sees an error id or kind */
    this.lastFailure = null;
  }

  /** @param {string} database */
  async openAdapter(database) {
    const pool = new this.libs.pg.Pool({ ...pgOptions(this.db, database), max: 4, Client: this.Client });
    pool.on('error', (err) => debugLog(`idle connection error: ${err.message}`));
    this.pools.add(pool);
    const factory = new this.libs.PrismaPg(pool, { schema: this.db.schema, disposeExternalPool: true });
    const adapter = await factory.connect();
    // adapter-pg splits scripts on every ";" (breaking strings, $$ bodies) and runs the
    // pieces on different pooled connections. Send migration scripts as one simple query
    // instead, like the native engine: multi-statement, implicitly one transaction.
    adapter.executeScript = async (script) => {
      try {
        await pool.query(script);
      } catch (err) {
        this.lastFailure = describePgError(err, script);
        throw toDriverError(this.libs.utils, err);
      }
    };
    const release = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      this.pools.delete(pool);
      await release();
    };
    return adapter;
  }

  connect() {
    return this.openAdapter(this.db.database);
  }

  /** Temporary database for replaying migrations; dropped when the engine disposes it. */
  async connectToShadowDb() {
    const name = `prisma_migrate_shadow_db_${crypto.randomUUID().replace(/-/g, '')}`;
    try {
      await withClient(pgOptions(this.db), (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));
    } catch (err) {
      this.lastFailure = `cannot create a temporary shadow database (the role needs CREATEDB): ${err.message}`;
      throw err;
    }
    this.shadowDatabases.add(name);
    debugLog(`created shadow database ${name}`);
    const adapter = await this.openAdapter(name);
    const dispose = adapter.dispose;
    adapter.dispose = async () => {
      await dispose();
      await this.dropShadowDatabase(name);
    };
    return adapter;
  }

  /** @param {string} name */
  async dropShadowDatabase(name) {
    if (!this.shadowDatabases.has(name)) return;
    await withClient(pgOptions(this.db), (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`));
    this.shadowDatabases.delete(name);
    debugLog(`dropped shadow database ${name}`);
  }

  async close() {
    await Promise.all([...this.pools].map((pool) => pool.end().catch(() => {})));
    this.pools.clear();
    for (const name of [...this.shadowDatabases]) {
      await this.dropShadowDatabase(name).catch((err) =>
        process.stderr.write(`warning: could not drop shadow database ${name}: ${redact(err.message)}\n`),
      );
    }
  }
}

module.exports = { MigrateAdapterFactory };
