// proxy-chain 3 is an ES module: loaded with import() like Baileys (see baileys.loader.ts)
import type { Server } from 'proxy-chain';
import { ProxiedConnectionLog, type ProxiedConnection } from './proxied-connection.log';

export type { ProxiedConnection } from './proxied-connection.log';

/**
 * A real HTTP CONNECT proxy on 127.0.0.1 (proxy-chain) with basic auth. It records every
 * connection it carries, and opens them from `localAddress` (another loopback address), so the
 * server at the far end can tell a proxied connection from a direct one.
 */
export class HttpConnectProxy {
  private readonly log = new ProxiedConnectionLog('HTTP proxy');
  readonly refused: string[] = [];
  private server?: Server;
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
        this.log.record({ target, at: Date.now() });
        return { localAddress: this.localAddress };
      },
    });
    await this.server.listen();
    this.port = this.server.port;
    return this;
  }

  get connections(): readonly ProxiedConnection[] {
    return this.log.entries;
  }

  /** Resolves at the first carried connection (already recorded or not) matching `pred`. */
  waitFor(pred: (c: ProxiedConnection) => boolean, timeoutMs = 20_000, what = 'a proxied connection'): Promise<ProxiedConnection> {
    return this.log.waitFor(pred, timeoutMs, what);
  }

  /** Closes the listener and cuts every tunnel it carries (what a proxy crash looks like). */
  async stop(): Promise<void> {
    await this.server?.close(true);
    this.server = undefined;
  }
}
