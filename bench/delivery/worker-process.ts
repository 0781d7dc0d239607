import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { WORKER_MAIN } from './delivery-options';

/** --worker-process: the built worker app as its own process; resolves once it started. */
export async function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} not found: run "npm run build" first`);
  const child = spawn(process.execPath, [WORKER_MAIN], { env: { ...process.env, ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
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
