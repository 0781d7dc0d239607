import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { FakeWhatsAppAdminClient } from './admin/fake-whatsapp.client';

/**
 * Runs the compiled fake-whatsapp CLI as a child process (for tests where the gateway,
 * i.e. the Baileys client, runs in yet another process). Needs `npm run build` first:
 * the CLI is plain Node from dist, so it does not depend on Jest or ts-jest.
 */
export const FAKE_WA_DIST_ENTRY = 'dist/libs/testing/src/fake-whatsapp/fake-whatsapp.main.js';

export interface StartFakeWhatsAppProcessOptions {
  /** default 0 (random) */
  port?: number;
  /** compiled entry; default: $FAKE_WA_CLI_ENTRY, the sibling main.js when running from dist, else <repo>/dist/… */
  entry?: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
  /** forward the child's stderr (useful with args ['--verbose']) */
  inheritStderr?: boolean;
}

export interface FakeWhatsAppProcess {
  /** ws://127.0.0.1:PORT/ws/chat — the gateway's waWebSocketUrl */
  url: string;
  /** http://127.0.0.1:PORT */
  adminUrl: string;
  admin: FakeWhatsAppAdminClient;
  pid: number;
  stop(): Promise<void>;
}

export function resolveFakeWhatsAppEntry(explicit: string | undefined = process.env.FAKE_WA_CLI_ENTRY): string {
  if (explicit) {
    const entry = resolve(explicit);
    if (!existsSync(entry)) throw new Error(`fake WhatsApp CLI not found at ${entry}`);
    return entry;
  }
  const candidates: string[] = [];
  if (__filename.endsWith('.js')) candidates.push(join(__dirname, 'fake-whatsapp.main.js'));
  for (let dir = __dirname; ; dir = dirname(dir)) {
    candidates.push(join(dir, FAKE_WA_DIST_ENTRY));
    if (dirname(dir) === dir) break;
  }
  candidates.push(resolve(process.cwd(), FAKE_WA_DIST_ENTRY));
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new Error(`fake WhatsApp CLI is not built: ${FAKE_WA_DIST_ENTRY} not found. Run \`npm run build\` first.`);
  }
  return found;
}

export async function startFakeWhatsAppProcess(options: StartFakeWhatsAppProcessOptions = {}): Promise<FakeWhatsAppProcess> {
  const entry = resolveFakeWhatsAppEntry(options.entry);
  const child = spawn(process.execPath, [entry, '--port', String(options.port ?? 0), ...(options.args ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', options.inheritStderr ? 'inherit' : 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf-8')).slice(-16_384);
  });
  const ready = await waitForListening(child, options.startTimeoutMs ?? 15_000, () => stderr);
  return {
    url: ready.url,
    adminUrl: ready.admin,
    admin: new FakeWhatsAppAdminClient(ready.admin),
    pid: child.pid ?? -1,
    stop: () => stopChild(child),
  };
}

function waitForListening(
  child: ChildProcess,
  timeoutMs: number,
  stderr: () => string,
): Promise<{ url: string; admin: string }> {
  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    let settled = false;
    const fail = (reason: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`fake WhatsApp CLI ${reason}${stderr() ? `\n${stderr()}` : ''}`));
    };
    const timer = setTimeout(() => fail(`did not report 'listening' within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (err) => fail(`failed to start: ${err.message}`));
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
    // keep reading stdout after 'listening' so --print-events output never blocks the child
    lines.on('line', (line) => {
      if (settled) return;
      let message: { event?: string; url?: string; admin?: string } | undefined;
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        return;
      }
      if (message?.event === 'listening' && message.url && message.admin) {
        settled = true;
        clearTimeout(timer);
        resolvePromise({ url: message.url, admin: message.admin });
      }
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });
}
