#!/usr/bin/env node
'use strict';
/*
 * Prints the shell commands of one README block, so CI and the fresh-clone test run exactly
 * what a newcomer reads, in the same order:
 *
 *   node scripts/readme-commands.js run    the block after <!-- readme:run -->
 *   node scripts/readme-commands.js test   the block after <!-- readme:test -->
 *
 * A README edit that forgets a step therefore fails CI instead of a newcomer.
 */
const fs = require('node:fs');
const path = require('node:path');

function readmeCommands(name, readmePath = path.join(__dirname, '..', 'README.md')) {
  const text = fs.readFileSync(readmePath, 'utf8');
  const marker = `<!-- readme:${name} -->`;
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no ${marker} marker`);
  const block = /```(?:bash|sh)\n([\s\S]*?)```/.exec(text.slice(at + marker.length));
  if (!block) throw new Error(`README.md has no \`\`\`bash block after ${marker}`);
  // Verbatim (comments included: bash skips them), one command line per entry.
  return block[1].split('\n').filter((line) => line.trim() !== '');
}

module.exports = { readmeCommands };

if (require.main === module) {
  const name = process.argv[2];
  if (!name) {
    process.stderr.write('usage: node scripts/readme-commands.js <run|test>\n');
    process.exit(2);
  }
  try {
    process.stdout.write(readmeCommands(name).join('\n') + '\n');
  } catch (err) {
    process.stderr.write(`readme-commands: ${err.message}\n`);
    process.exit(1);
  }
}
