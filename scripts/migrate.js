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
 */

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const ROOT = path.resolve(__dirname, '..');
const SCHEMA_PATH = path.join(ROOT, 'prisma', 'schema.prisma');
const MIGRATIONS_DIR = path.join(ROOT, 'prisma', 'migrations');
const LOCK_FILE = 'migration_lock.toml';
const LOCK_FILE_CONTENT =
  '# Read by Prisma Migrate and scripts/migrate.js; keep it in version control.\n' +
  'provider = "postgresql"\n';
const NO_FILTER = { externalTables: [], externalEnums: [] };
const DEBUG = /^(1|true|yes)$/i.test(process.env.MIGRATE_DEBUG || '');

/**
 * @typedef {object} DatabaseConfig  DATABASE_URL, validated and taken apart.
 * @property {URL} url
 * @property {string} database
 * @property {string} schema
 * @property {string} password
 * @property {string} display  "<database> on <host>:<port>", for messages (no credentials)
 */
/** @typedef {import('pg').ClientConfig} PgOptions */
/** @typedef {import('pg').Client} PgClient */
/** @typedef {typeof import('@prisma/schema-engine-wasm/schema_engine_bg', { with: { 'resolution-mode': 'import' } })} EngineBindings */
/** @typedef {import('@prisma/schema-engine-wasm/schema_engine_bg', { with: { 'resolution-mode': 'import' } }).SchemaEngine} SchemaEngine */
/** @typedef {import('@prisma/schema-engine-wasm/schema_engine_bg', { with: { 'resolution-mode': 'import' } }).MigrationList} MigrationsList */
/**
 * Where the wasm engine reports a Rust panic (read back for the error message).
 * @typedef {{ PRISMA_WASM_PANIC_REGISTRY?: { message: string, set_message(message: string): void } }} PanicRegistryHolder
 */
/** @typedef {import('@prisma/driver-adapter-utils').SqlMigrationAwareDriverAdapterFactory} MigrationAwareFactory */
/**
 * @typedef {object} AdapterLibs  The driver-adapter packages, loaded once per engine run.
 * @property {typeof import('pg')} pg
 * @property {typeof import('@prisma/adapter-pg').PrismaPg} PrismaPg
 * @property {typeof import('@prisma/driver-adapter-utils')} utils
 */
/**
 * @typedef {Error & { code?: string, severity?: string, position?: string, detail?: string, column?: string, hint?: string }} PgError
 */

/** An expected failure: printed as one line, without a stack trace. */
class CliError extends Error {}

// ---------------------------------------------------------------------------
// Configuration

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

let redactPassword = '';
/**
 * Never let the password of DATABASE_URL reach the terminal or CI logs.
 * @param {unknown} text
 */
function redact(text) {
  let out = String(text).replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@\s]*@/gi, '$1***@');
  if (redactPassword.length >= 3) out = out.split(redactPassword).join('***');
  return out;
}

/** @type {(line: string) => void} */
let logSink = (line) => void process.stdout.write(line + '\n');
/** @param {string} line */
function log(line) {
  logSink(redact(line));
}

/** @param {string} line */
function debugLog(line) {
  if (DEBUG) process.stderr.write('[migrate] ' + redact(line) + '\n');
}

// ---------------------------------------------------------------------------
// Migrations directory

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

// ---------------------------------------------------------------------------
// Plain pg helpers (database creation, read-only status queries)

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

// ---------------------------------------------------------------------------
// Driver adapter handed to the wasm engine

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

// ---------------------------------------------------------------------------
// Wasm schema engine

/**
 * The package's entry point imports the .wasm file as an ES module, which Node 20
 * cannot do without a flag, so instantiate it from the generated bindings by hand.
 */
/** @returns {Promise<EngineBindings>} */
async function loadSchemaEngineModule() {
  const bindingsPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  /** @type {EngineBindings & { __wbg_set_wasm(exports: WebAssembly.Exports): void }} */
  const bindings = await import(pathToFileURL(bindingsPath).href);
  const bytes = fs.readFileSync(path.join(path.dirname(bindingsPath), 'schema_engine_bg.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bindings });
  bindings.__wbg_set_wasm(instance.exports);
  /** @type {() => void} */ (instance.exports.__wbindgen_start)();
  // The engine reports Rust panics here; without it a panic surfaces as "unreachable".
  /** @type {PanicRegistryHolder} */ (globalThis).PRISMA_WASM_PANIC_REGISTRY ??= {
    message: '',
    /** @param {string} message */
    set_message(message) {
      this.message = message;
    },
  };
  return bindings;
}

/** Loads the driver-adapter helpers, resolved next to @prisma/adapter-pg that depends on them. */
function loadAdapterLibs() {
  const pg = require('pg');
  const { PrismaPg } = require('@prisma/adapter-pg');
  const utilsPath = require.resolve('@prisma/driver-adapter-utils', {
    paths: [path.dirname(require.resolve('@prisma/adapter-pg'))],
  });
  return { pg, PrismaPg, utils: require(utilsPath) };
}

/**
 * Runs `fn(engine)` with an engine connected to DATABASE_URL, then releases everything.
 * @template T
 * @param {DatabaseConfig} db
 * @param {(engine: SchemaEngine) => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withEngine(db, fn) {
  const libs = loadAdapterLibs();
  const { SchemaEngine } = await loadSchemaEngineModule();
  const factory = new MigrateAdapterFactory(db, libs);
  // The engine calls the factory through Result-returning wrappers (errors become values).
  const bound = libs.utils.bindMigrationAwareSqlAdapterFactory(factory);
  const datamodels = readSchemaFiles().map((file) => /** @type {[string, string]} */ ([file.path, file.content]));
  let engine;
  try {
    engine = await SchemaEngine.new({ datamodels }, (/** @type {string} */ line) => debugLog(line), bound);
    return await fn(engine);
  } catch (err) {
    throw engineError(err, factory.lastFailure);
  } finally {
    try {
      engine?.free();
    } catch {
      /* already freed after a panic */
    }
    await factory.close();
  }
}

/**
 * One readable line out of an engine/driver error. The engine appends a Rust span
 * trace ("   0: ...") that is noise, except for the migration name it mentions.
 */
/**
 * @param {any} err  whatever the engine or the driver threw
 * @param {string | null} [adapterFailure]
 */
function engineError(err, adapterFailure = null) {
  if (err instanceof CliError) return err;
  const panic = /** @type {PanicRegistryHolder} */ (globalThis).PRISMA_WASM_PANIC_REGISTRY?.message;
  const full = String(err?.message ?? err);
  let message = full.split(/\n\s+0: /)[0];
  if (/unreachable/i.test(message) && panic) message = `schema engine panicked: ${panic}`;
  if (adapterFailure && /external connector error|External error id#/i.test(message)) message = adapterFailure;
  const migration = /migration_name="([^"]+)"/.exec(full);
  if (migration && !message.includes(migration[1])) message = `migration ${migration[1]} failed: ${message}`;
  message = message.replace(/\s+/g, ' ').trim();
  if (err?.code && !message.includes(err.code)) message = `${err.code}: ${message}`;
  return new CliError(message || 'unknown schema engine error');
}

// ---------------------------------------------------------------------------
// Commands

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

// ---------------------------------------------------------------------------

const USAGE = 'usage: node scripts/migrate.js <deploy | create <name> | status>';

/** @param {string[]} argv */
async function main(argv) {
  const [command, ...args] = argv;
  /** @type {Record<string, (db: DatabaseConfig, ...args: string[]) => Promise<void>>} */
  const commands = { deploy, create, status };
  if (!Object.hasOwn(commands, command)) throw new CliError(USAGE);
  const db = readDatabaseConfig();
  redactPassword = db.password;
  await commands[command](db, ...args);
}

/**
 * For the gateway's boot: apply pending migrations to `databaseUrl`, logging through `logLine`.
 * @param {string} databaseUrl
 * @param {(line: string) => void} [logLine]
 */
async function deployTo(databaseUrl, logLine) {
  const previous = { url: process.env.DATABASE_URL, out: logSink };
  process.env.DATABASE_URL = databaseUrl;
  if (logLine) logSink = logLine;
  try {
    const db = readDatabaseConfig();
    redactPassword = db.password;
    await deploy(db);
  } catch (err) {
    throw new Error(`migrations failed: ${redact(err instanceof CliError ? err.message : engineError(err).message)}`);
  } finally {
    if (previous.url === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous.url;
    logSink = previous.out;
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
