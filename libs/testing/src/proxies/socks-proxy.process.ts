import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { freePort } from '../harness/gateway-process';
import { ProxiedConnectionLog, type ProxiedConnection } from './proxied-connection.log';

/** Debian's microsocks is the SOCKS5 server; tests that need it skip with a clear error when absent. */
export function microsocksPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v microsocks'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('microsocks is not installed (apt-get install -y microsocks; .ci/run installs it)');
  }
}

/**
 * A real SOCKS5 proxy (microsocks) on 127.0.0.1 with user/password auth, as a child process.
 * It logs every connection it opens ("client[n] ip: connected to host:port"); those lines are
 * the record. Outgoing connections leave from `bindAddress`, another loopback address.
 */
export class SocksProxyProcess {
  private readonly log = new ProxiedConnectionLog('SOCKS proxy');
  private child?: ChildProcess;
  port = 0;

  constructor(
    readonly username: string,
    readonly password: string,
    readonly bindAddress = '127.0.0.2',
  ) {}

  async start(port?: number): Promise<this> {
    this.port = port ?? (await freePort());
    const child = spawn(microsocksPath(), ['-i', '127.0.0.1', '-p', String(this.port), '-u', this.username, '-P', this.password, '-b', this.bindAddress], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const m = /connected to (\S+)/.exec(line);
        if (m) this.log.record({ target: m[1], at: Date.now() });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    await this.listening();
    return this;
  }

  /** microsocks prints nothing when ready: wait until its port accepts a connection. */
  private async listening(): Promise<void> {
    const { connect } = await import('node:net');
    for (let i = 0; i < 100; i++) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = connect(this.port, '127.0.0.1');
        s.once('connect', () => (s.destroy(), resolve(true)));
        s.once('error', () => resolve(false));
      });
      if (ok) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`microsocks did not listen on ${this.port}`);
  }

  get connections(): readonly ProxiedConnection[] {
    return this.log.entries;
  }

  /** Resolves at the first carried connection (already recorded or not) matching `pred`. */
  waitFor(pred: (c: ProxiedConnection) => boolean, timeoutMs = 20_000, what = 'a proxied connection'): Promise<ProxiedConnection> {
    return this.log.waitFor(pred, timeoutMs, what);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
