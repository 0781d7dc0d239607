#!/usr/bin/env node
'use strict';
/*
 * Builds the browser manager (apps/manager) into dist/manager, offline, with esbuild:
 *   dist/manager/index.html            references the hashed bundles; served no-cache
 *   dist/manager/assets/app-<hash>.js  .css, each with .br and .gz beside it (served immutable)
 * Type-checks the app first (its own tsconfig: DOM, Preact JSX). Run by scripts/build.js;
 * `node scripts/build-manager.js` alone rebuilds just the manager.
 */

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const ROOT = path.resolve(__dirname, '..');
const APP = path.join(ROOT, 'apps', 'manager');
const OUT = path.join(ROOT, 'dist', 'manager');

function typecheck() {
  const result = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(APP, 'tsconfig.json')], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write('build: manager type check failed\n');
    process.exit(result.status || 1);
  }
}

function compress(file) {
  const data = fs.readFileSync(file);
  const br = zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
  const gz = zlib.gzipSync(data, { level: 9 });
  fs.writeFileSync(`${file}.br`, br);
  fs.writeFileSync(`${file}.gz`, gz);
  return { raw: data.length, br: br.length, gzip: gz.length };
}

async function buildManager() {
  const esbuild = require('esbuild');
  typecheck();
  fs.rmSync(OUT, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { app: path.join(APP, 'src', 'main.tsx') },
    outdir: path.join(OUT, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'eof',
    metafile: true,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const outputs = Object.keys(result.metafile.outputs).map((f) => path.relative(path.join(OUT), path.join(ROOT, f)));
  const js = outputs.find((f) => f.endsWith('.js'));
  const css = outputs.find((f) => f.endsWith('.css'));
  if (!js || !css) throw new Error(`manager build: expected one .js and one .css, got ${outputs.join(', ')}`);
  const html = fs
    .readFileSync(path.join(APP, 'index.html'), 'utf8')
    .replace('__APP_JS__', js.split(path.sep).join('/'))
    .replace('__APP_CSS__', css.split(path.sep).join('/'));
  fs.writeFileSync(path.join(OUT, 'index.html'), html);
  const sizes = {};
  for (const file of [js, css]) sizes[path.basename(file)] = compress(path.join(OUT, file));
  const total = Object.values(sizes).reduce((t, s) => ({ raw: t.raw + s.raw, br: t.br + s.br, gzip: t.gzip + s.gzip }), { raw: 0, br: 0, gzip: 0 });
  fs.writeFileSync(path.join(OUT, 'sizes.json'), `${JSON.stringify({ files: sizes, total }, null, 2)}\n`);
  const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
  process.stdout.write(`build: manager assets ${kb(total.raw)} (${kb(total.br)} brotli, ${kb(total.gzip)} gzip)\n`);
}

module.exports = { buildManager };

if (require.main === module) {
  buildManager().catch((err) => {
    process.stderr.write(`build: manager failed: ${err.message}\n`);
    process.exit(1);
  });
}
