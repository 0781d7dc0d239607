/**
 * Preloaded into a gateway under benchmark (`NODE_OPTIONS=--require …/memory-probe.preload.js`),
 * for the memory breakdown per instance. Signals the gateway does not use (SIGUSR2 is Nest's,
 * SIGWINCH the CPU profiler's):
 * - SIGTTOU prints one line `{"msg":"memory usage",...}`: process.memoryUsage() and V8's heap spaces;
 * - SIGTTIN writes a V8 heap snapshot to $BENCH_HEAP_DIR/<pid>-<n>.heapsnapshot (after a full GC;
 *   it inflates the RSS afterwards, so RSS figures of such a run are not the bench's figures).
 *   bench/support/heap-snapshot.summary.ts compares two of them.
 */
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

const dir = process.env.BENCH_HEAP_DIR ?? '.';
const mb = (b: number) => Math.round(b / 1048576 * 10) / 10;
let n = 0;

process.on('SIGTTIN', () => {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${process.pid}-${++n}.heapsnapshot`);
  // Written under a temporary name and renamed, so a waiting bench never reads half a file.
  writeHeapSnapshot(`${file}.tmp`);
  renameSync(`${file}.tmp`, file);
  process.stdout.write(`{"msg":"heap snapshot written","file":${JSON.stringify(file)}}\n`);
});

process.on('SIGTTOU', () => {
  const usage = Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, mb(v)]));
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, { size: mb(s.space_size), used: mb(s.space_used_size) }]));
  process.stdout.write(`${JSON.stringify({ msg: 'memory usage', usage, spaces })}\n`);
});
