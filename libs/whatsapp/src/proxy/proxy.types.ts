/** Evolution's proxy protocols; `https` means the proxy itself is reached over TLS. */
export const PROXY_PROTOCOLS = ['http', 'https', 'socks4', 'socks5'] as const;
export type ProxyProtocol = (typeof PROXY_PROTOCOLS)[number];

/** One instance's proxy, as the engine needs it (password in plaintext, in memory only). */
export interface ProxySettings {
  host: string;
  port: number;
  protocol: ProxyProtocol;
  username?: string | null;
  password?: string | null;
}

/** protocol://host:port, never the credentials: safe for logs and error messages. */
export function proxyLabel(proxy: ProxySettings): string {
  return `${proxy.protocol}://${proxy.host.includes(':') ? `[${proxy.host}]` : proxy.host}:${proxy.port}`;
}

/**
 * The URL the agents take. SOCKS names resolve on the proxy (socks5h / socks4a), so the
 * number's DNS lookups leave through the proxy too.
 */
export function proxyUrl(proxy: ProxySettings): URL {
  const scheme = proxy.protocol === 'socks5' ? 'socks5h' : proxy.protocol === 'socks4' ? 'socks4a' : proxy.protocol;
  const url = new URL(`${scheme}://${proxy.host.includes(':') ? `[${proxy.host}]` : proxy.host}:${proxy.port}`);
  if (proxy.username) {
    url.username = encodeURIComponent(proxy.username);
    if (proxy.password) url.password = encodeURIComponent(proxy.password);
  }
  return url;
}
