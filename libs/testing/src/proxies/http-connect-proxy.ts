// proxy-chain 3 is an ES module: loaded with import() like Baileys (see baileys.loader.ts)
import type { Server } from 'proxy-chain';

/** One connection a test proxy carried: where to (host:port). */
export interface ProxiedConnection {
  target: string;
  at: number;
}

type Waiter = { pred: (c: ProxiedConnection) => boolean; resolve: (c: ProxiedConnection) => void };

/**
 * A real HTTP CONNECT proxy on 127.0.0.1 (proxy-chain) with basic auth. It records every
 * connection it carries, and opens them from `localAddress` (another loopback address), so the
 * server at the far end can tell a proxied connection from a direct one.
 */
export class HttpConnectProxy {
  readonly connections: ProxiedConnection[] = [];
  readonly refused: string[] = [];
  private server?: Server;
  private waiters: Waiter[] = [];
  port = 0;

  constructor(
    readonly username: string,
    readonly password: string,
    readonly localAddress = '127.0.0.3',
  ) {}

  async start(port = 0): Promise<this> {
    const { Server: ProxyServer } = await import('proxy-chain');
    this.server = new ProxyServer({
      port,
      host: '127.0.0.1',
      verbose: false,
      prepareRequestFunction: ({ username, password, hostname, port: targetPort }) => {
        const target = `${hostname}:${targetPort}`;
        if (username !== this.username || password !== this.password) {
          this.refused.push(target);
          return { requestAuthentication: true };
        }
        this.record({ target, at: Date.now() });
        return { localAddress: this.localAddress };
      },
    });
    await this.server.listen();
    this.port = this.server.port;
    return this;
  }

  /** Resolves at the first carried connection (already recorded or not) matching `pred`. */
  waitFor(pred: (c: ProxiedConnection) => boolean, timeoutMs = 20_000, what = 'a proxied connection'): Promise<ProxiedConnection> {
    const seen = this.connections.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`HTTP proxy: no ${what} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ pred, resolve: (c) => (clearTimeout(timer), resolve(c)) });
    });
  }

  private record(c: ProxiedConnection) {
    this.connections.push(c);
    for (const w of [...this.waiters]) {
      if (w.pred(c)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(c);
      }
    }
  }

  /** Closes the listener and cuts every tunnel it carries (what a proxy crash looks like). */
  async stop(): Promise<void> {
    await this.server?.close(true);
    this.server = undefined;
  }
}
