import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { nodeCommandOf } from '@gw/testing';
import { WORKER_CPU_PROF, WORKER_MAIN } from './delivery-options';

const PRELOAD = join(__dirname, '../support/cpu-profile.preload.js');

/** --worker-process: the built worker app as its own process; resolves once it started. */
export async function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} not found: run "npm run build" first`);
  // --worker-cpu-prof: profiled from its first line (the preload; --cpu-prof would be lost: Nest re-raises SIGTERM).
  const profile = WORKER_CPU_PROF
    ? { NODE_OPTIONS: `--require ${PRELOAD}`, BENCH_CPU_PROFILE_DIR: WORKER_CPU_PROF, BENCH_CPU_PROFILE_FROM_START: '1' }
    : {};
  // Node options as `npm run start:worker` has them, as the test harness starts its processes.
  const child = spawn(process.execPath, [...nodeCommandOf('start:worker').flags, WORKER_MAIN], { env: { ...process.env, ...env, ...profile, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer) => {
      const text = c.toString();
      tail.push(text);
      if (tail.length > 20) tail.shift();
      if (text.includes('delivery worker started')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${tail.join('')}`)));
  });
  return child;
}

/** --worker-cpu-prof: asks the worker for its profile (SIGWINCH, see cpu-profile.preload.ts) and waits until it is written. */
export async function writeWorkerProfile(child: ChildProcess): Promise<void> {
  if (!WORKER_CPU_PROF) return;
  await new Promise<void>((resolve) => {
    const onData = (c: Buffer) => {
      const m = /"msg":"cpu profile written","file":"([^"]+)"/.exec(c.toString());
      if (!m) return;
      child.stdout!.off('data', onData);
      console.error(`[bench:delivery] worker CPU profile: ${m[1]}`);
      resolve();
    };
    child.stdout!.on('data', onData);
    child.kill('SIGWINCH');
  });
}
