import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { nodeCommandOf } from './start-script';

const GATEWAY_ENTRY = 'dist/apps/gateway/src/main.js';
const WORKER_ENTRY = 'dist/apps/worker/src/main.js';
const MAIN = join(process.cwd(), GATEWAY_ENTRY);
const WORKER_MAIN = join(process.cwd(), WORKER_ENTRY);

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export interface ApiResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of any route
}

/** The real gateway, built by `npm run build`, as a child process (so tests can SIGKILL it). */
export class GatewayProcess {
  private child?: ChildProcess;
  readonly logs: string[] = [];
  private logWaiters: { pattern: RegExp; remaining: number; resolve: () => void }[] = [];
  port = 0;
  bootMs = 0;

  constructor(
    private readonly env: Record<string, string>,
    private readonly main = MAIN,
    private readonly readyLine = '"gateway listening"',
  ) {}

  /** The delivery-only process (apps/worker). */
  static worker(env: Record<string, string>): GatewayProcess {
    return new GatewayProcess(env, WORKER_MAIN, '"delivery worker started"');
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    if (!existsSync(this.main)) throw new Error(`${this.main} not found: run "npm run build" first (npm test does)`);
    this.port = await freePort();
    const started = Date.now();
    const child = spawn(process.execPath, [...this.nodeFlags(), this.main], {
      // ENV_FILE='': a developer's own .env must not leak into the test's gateway.
      env: { ...process.env, ENV_FILE: '', LOG_LEVEL: 'info', NODE_URL: `http://127.0.0.1:${this.port}`, ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      const onData = (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          this.logs.push(line);
          if (line.includes(this.readyLine)) resolve();
          for (const w of [...this.logWaiters]) {
            if (w.pattern.test(line) && --w.remaining === 0) {
              this.logWaiters.splice(this.logWaiters.indexOf(w), 1);
              w.resolve();
            }
          }
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (c: Buffer) => this.logs.push(c.toString()));
      child.once('exit', (code) => reject(new Error(`gateway exited with ${code}:\n${this.logs.slice(-20).join('\n')}`)));
    });
    this.bootMs = Date.now() - started;
    return this;
  }

  /**
   * The node options its tree's package.json starts it with (`start` or `start:worker`), so a test
   * or bench runs the process as `npm start` does; a tree whose package.json is elsewhere gets none.
   */
  private nodeFlags(): string[] {
    const [script, entry] = this.main.endsWith(WORKER_ENTRY) ? (['start:worker', WORKER_ENTRY] as const) : (['start', GATEWAY_ENTRY] as const);
    const root = this.main.slice(0, -entry.length);
    if (!this.main.endsWith(entry) || !existsSync(join(root, 'package.json'))) return [];
    const command = nodeCommandOf(script, root);
    if (command.main !== entry) throw new Error(`package.json "${script}" runs ${command.main}, expected ${entry}`);
    return command.flags;
  }

  /** Resolves once `count` more log lines match (the process's own account of what it did). */
  waitForLog(pattern: RegExp, count = 1, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no log line matching ${pattern} (x${count}) within ${timeoutMs} ms`)), timeoutMs);
      this.logWaiters.push({ pattern, remaining: count, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await exited;
  }

  get pid() {
    return this.child?.pid;
  }

  async api(
    method: string,
    path: string,
    options: { apikey?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.apikey !== undefined) headers.apikey = options.apikey;
    let body: string | undefined;
    if (options.raw !== undefined || options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = options.raw ?? JSON.stringify(options.body);
    }
    const res = await fetch(`${this.url}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed };
  }
}

/** Resident set size of a process in MB, from /proc (Linux). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}
