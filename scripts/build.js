#!/usr/bin/env node
'use strict';
/*
 * The one build: Prisma client, then TypeScript, then the browser manager (apps/manager, see
 * build-manager.js), into dist/.
 *
 *   node scripts/build.js             always build (npm run build)
 *   node scripts/build.js --if-stale  build only when a source is newer than the last build
 *                                     (npm start, npm test: a built tree starts at once)
 *
 * The generated Prisma client is git-ignored and the TypeScript imports it, so it is generated
 * first, every time: no order of commands on a fresh clone can reach tsc without it.
 * Plain CommonJS on purpose: it runs before anything is compiled.
 */

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { buildManager } = require('./build-manager');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, '.build-stamp');
/** Everything the build reads (apps/ includes the manager's sources); a newer file than the stamp means dist/ is out of date. */
const INPUT_DIRS = ['apps', 'libs', 'bench', 'scripts'];
const INPUT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'prisma/schema.prisma'];
const GENERATED_CLIENT = path.join(ROOT, 'prisma', 'generated');

function newestInput() {
  let newest = 0;
  const visit = (file) => {
    let stat;
    try {
      stat = fs.statSync(file);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(file)) if (entry !== 'node_modules') visit(path.join(file, entry));
    } else if (stat.mtimeMs > newest) {
      newest = stat.mtimeMs;
    }
  };
  for (const dir of INPUT_DIRS) visit(path.join(ROOT, dir));
  for (const file of INPUT_FILES) visit(path.join(ROOT, file));
  return newest;
}

/** Why a build is needed, or null when dist/ is up to date. */
function staleReason() {
  if (!fs.existsSync(path.join(DIST, 'apps', 'gateway', 'src', 'main.js'))) return 'no build yet';
  if (!fs.existsSync(GENERATED_CLIENT)) return 'no generated Prisma client';
  if (!fs.existsSync(path.join(DIST, 'manager', 'index.html'))) return 'no manager build yet';
  let built;
  try {
    built = fs.statSync(STAMP).mtimeMs;
  } catch {
    return 'no build stamp';
  }
  return newestInput() > built ? 'sources changed since the last build' : null;
}

function run(label, args) {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`build: ${label} failed${result.error ? `: ${result.error.message}` : ''}\n`);
    process.exit(result.status || 1);
  }
}

async function build(reason) {
  const started = Date.now();
  process.stdout.write(`build: ${reason}; generating the Prisma client and compiling (about a minute)\n`);
  run('prisma generate', [path.join(__dirname, 'prisma-generate.js')]);
  fs.rmSync(DIST, { recursive: true, force: true });
  run('tsc', [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
  run('tsc-alias', [require.resolve('tsc-alias/dist/bin/index.js'), '-p', 'tsconfig.build.json']);
  // The plain scripts (migrate.js) run before any build, so they are type-checked, not compiled.
  run('tsc -p scripts (type check)', [require.resolve('typescript/bin/tsc'), '-p', 'scripts']);
  await buildManager();
  // Stamped with the start time: a file saved during the build still counts as newer.
  fs.writeFileSync(STAMP, `${new Date(started).toISOString()}\n`);
  fs.utimesSync(STAMP, new Date(started), new Date(started));
  process.stdout.write(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const fail = (err) => {
  process.stderr.write(`build: ${err.message}\n`);
  process.exit(1);
};
if (process.argv.includes('--if-stale')) {
  const reason = staleReason();
  if (reason) build(reason).catch(fail);
} else {
  build('requested').catch(fail);
}
