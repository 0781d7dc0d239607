// @ts-check
'use strict';
/** The wasm schema engine (Prisma's migration engine without the native binary), loaded and run. */
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { CliError, debugLog } = require('./log');
const { MigrateAdapterFactory } = require('./adapter-factory');
const { readSchemaFiles } = require('./migrations-dir');

/** @typedef {import('./database-config').DatabaseConfig} DatabaseConfig */
/** @typedef {import('./adapter-factory').AdapterLibs} AdapterLibs */
/** @typedef {typeof import('@prisma/schema-engine-wasm/schema_engine_bg', { with: { 'resolution-mode': 'import' } })} EngineBindings */
/** @typedef {import('@prisma/schema-engine-wasm/schema_engine_bg', { with: { 'resolution-mode': 'import' } }).SchemaEngine} SchemaEngine */
/** @typedef {import('@prisma/schema-engine-wasm/schema_engine_bg', { with: { 'resolution-mode': 'import' } }).MigrationList} MigrationsList */
/**
 * Where the wasm engine reports a Rust panic (read back for the error message).
 * @typedef {{ PRISMA_WASM_PANIC_REGISTRY?: { message: string, set_message(message: string): void } }} PanicRegistryHolder
 */

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

module.exports = { withEngine, engineError };
