/**
 * Preloaded into a gateway under benchmark (`NODE_OPTIONS=--require …/cpu-profile.preload.js`,
 * since `--cpu-prof` is not allowed in NODE_OPTIONS): SIGWINCH starts the V8 CPU profiler, the
 * next SIGWINCH (not SIGUSR2: Nest's shutdown hooks take that one) writes the profile to $BENCH_CPU_PROFILE_DIR/<pid>-<n>.cpuprofile. Profiling only
 * the phase being measured keeps boot and linking out of the picture.
 */
import { Session } from 'node:inspector';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.BENCH_CPU_PROFILE_DIR ?? '.';
const session = new Session();
session.connect();
let running = false;
let n = 0;

const start = () => {
  running = true;
  session.post('Profiler.enable', () => session.post('Profiler.start'));
};
// BENCH_CPU_PROFILE_FROM_START=1: profile from the first line on, so boot is in the picture too.
if (process.env.BENCH_CPU_PROFILE_FROM_START === '1') start();

process.on('SIGWINCH', () => {
  if (!running) return start();
  running = false;
  session.post('Profiler.stop', (err, result) => {
    if (err) return;
    mkdirSync(dir, { recursive: true });
    // Written under a temporary name and renamed, so a waiting bench never reads half a file.
    const file = join(dir, `${process.pid}-${++n}.cpuprofile`);
    writeFileSync(`${file}.tmp`, JSON.stringify(result.profile));
    renameSync(`${file}.tmp`, file);
    // Not console.log: the gateway captures the console (ConsoleCapture) and logs it at debug.
    process.stdout.write(`{"msg":"cpu profile written","file":${JSON.stringify(file)}}\n`);
  });
});
