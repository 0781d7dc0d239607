import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { SocksClient } from 'socks';
import type { buildConnector } from 'undici';
import type { ProxySettings } from './proxy.types';

/**
 * An undici connector that opens every connection through a SOCKS4/5 proxy (the `socks`
 * library speaks the protocol), then TLS to the target when the origin is https. undici has no
 * stable SOCKS dispatcher (its Socks5ProxyAgent is experimental and SOCKS5 only).
 */
export function socksConnector(proxy: ProxySettings, timeoutMs: number): buildConnector.connector {
  return (opts, callback) => {
    const secure = opts.protocol === 'https:';
    SocksClient.createConnection({
      proxy: {
        host: proxy.host,
        port: proxy.port,
        type: proxy.protocol === 'socks4' ? 4 : 5,
        ...(proxy.username ? { userId: proxy.username, password: proxy.password ?? undefined } : {}),
      },
      command: 'connect',
      destination: { host: opts.hostname, port: Number(opts.port) || (secure ? 443 : 80) },
      timeout: timeoutMs,
    }).then(
      ({ socket }) => {
        if (!secure) return callback(null, socket);
        const servername = opts.servername ?? (isIP(opts.hostname) ? undefined : opts.hostname);
        // host: the certificate is checked against it (also for IP targets, which get no servername)
        const tls = tlsConnect({ socket, host: opts.hostname, servername, ALPNProtocols: ['http/1.1'] });
        tls.once('secureConnect', () => callback(null, tls));
        tls.once('error', (err) => callback(err, null));
      },
      (err: Error) => callback(err, null),
    );
  };
}
