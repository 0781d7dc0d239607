import type { Agent as HttpAgent } from 'node:http';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import { socksConnector } from './socks-connector.util';
import { HttpTunnelAgent, SocksTunnelAgent } from './tunnel-agents';
import { proxyLabel, proxyUrl, type ProxySettings } from './proxy.types';

const CONNECT_TIMEOUT_MS = 20_000;

/**
 * One instance's way out through its proxy: a Node agent (the WhatsApp websocket, media
 * uploads) and an undici dispatcher (fetches: media downloads, previews, Graph API calls).
 * Built per instance and closed when the instance stops or its proxy changes.
 */
export class ProxyRoute {
  private constructor(
    readonly agent: HttpAgent,
    readonly dispatcher: Dispatcher,
    readonly label: string,
  ) {}

  static of(proxy: ProxySettings, timeoutMs = CONNECT_TIMEOUT_MS): ProxyRoute {
    const url = proxyUrl(proxy);
    const label = proxyLabel(proxy);
    if (proxy.protocol === 'socks4' || proxy.protocol === 'socks5') {
      return new ProxyRoute(
        new SocksTunnelAgent(url, { timeout: timeoutMs }),
        new Agent({ connect: socksConnector(proxy, timeoutMs) }),
        label,
      );
    }
    // http: CONNECT to a plain proxy; https: the proxy itself is reached over TLS, then CONNECT.
    return new ProxyRoute(
      new HttpTunnelAgent(url.toString(), { timeout: timeoutMs }),
      new ProxyAgent({ uri: url.toString(), proxyTunnel: true, connect: { timeout: timeoutMs } }),
      label,
    );
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await this.dispatcher.destroy().catch(() => undefined);
  }
}
