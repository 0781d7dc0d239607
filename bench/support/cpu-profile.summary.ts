/**
 * Prints the self time of the hottest functions (and of the files they live in) of a
 * .cpuprofile written by cpu-profile.preload:
 *   node dist/bench/support/cpu-profile.summary.js <file> [top]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const [file, topArg] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; startTime: number; endTime: number };
const total = profile.samples.length;
// Profiles from `node --cpu-prof` leave hitCount out: count the samples instead.
const hitsById = new Map<number, number>();
for (const id of profile.samples) hitsById.set(id, (hitsById.get(id) ?? 0) + 1);
const byFn = new Map<string, number>();
const byFile = new Map<string, number>();
for (const node of profile.nodes) {
  const hits = node.hitCount || hitsById.get(node.id) || 0;
  if (!hits) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const short = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/');
  const fn = `${functionName || '(anonymous)'} ${short}:${lineNumber + 1}`;
  byFn.set(fn, (byFn.get(fn) ?? 0) + hits);
  const pkg = short.startsWith('dist/') || !url ? short || '(native)' : short.split('/').slice(0, short.startsWith('@') ? 2 : 1).join('/');
  byFile.set(pkg, (byFile.get(pkg) ?? 0) + hits);
}
const top = Number(topArg ?? 30);
const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title} (${total} samples over ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s)`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
};
print('by package / file', byFile);
print('by function', byFn);
