#!/usr/bin/env node
'use strict';
/*
 * `prisma generate` that also works offline.
 *
 * Generating the client needs no schema engine, but the prisma CLI still resolves (and,
 * when missing, downloads) the native schema-engine binary before running any command.
 * npm install scripts do not run here, so that binary never exists. Pointing
 * PRISMA_SCHEMA_ENGINE_BINARY at any existing file satisfies the check; it is never
 * executed by `generate`. Migrations use the wasm engine instead (scripts/migrate.js).
 *
 * Extra arguments are passed through: node scripts/prisma-generate.js --watch
 */

const { spawnSync } = require('node:child_process');
const path = require('node:path');

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;

const cli = require.resolve('prisma/build/index.js');
const result = spawnSync(process.execPath, [cli, 'generate', ...process.argv.slice(2)], {
  cwd: path.resolve(__dirname, '..'),
  env,
  stdio: 'inherit',
});

if (result.error) {
  process.stderr.write(`prisma-generate: ${result.error.message}\n`);
  process.exit(1);
}
// A signal-terminated child has no status; report failure rather than success.
process.exit(result.status ?? 1);
