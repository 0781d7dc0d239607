import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpConnectProxy, SocksProxyProcess, freePort } from '@gw/testing';
import { ProxyRoute } from './proxy-route';
import { probeProxy, ProxyUnreachableError } from './proxy-probe.util';
import type { ProxySettings } from './proxy.types';

/** Real proxies on 127.0.0.1 (proxy-chain, microsocks) in front of a plain HTTP target. */
describe('ProxyRoute and probeProxy through real proxies', () => {
  let target: Server;
  let targetUrl: string;
  let seenFrom: string[];
  const http = new HttpConnectProxy('alice', 's3cr3t:pw');
  const socks = new SocksProxyProcess('bob', 'sockspw');

  beforeAll(async () => {
    seenFrom = [];
    target = createServer((req, res) => {
      seenFrom.push(req.socket.remoteAddress ?? '');
      res.writeHead(426).end('upgrade required');
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    targetUrl = `ws://127.0.0.1:${(target.address() as AddressInfo).port}/ws/chat`;
    await Promise.all([http.start(), socks.start()]);
  });

  afterAll(async () => {
    await Promise.all([http.stop(), socks.stop()]);
    await new Promise((r) => target.close(r));
  });

  const viaHttp = (): ProxySettings => ({ host: '127.0.0.1', port: http.port, protocol: 'http', username: 'alice', password: 's3cr3t:pw' });
  const viaSocks = (): ProxySettings => ({ host: '127.0.0.1', port: socks.port, protocol: 'socks5', username: 'bob', password: 'sockspw' });

  it('accepts a working proxy; the proxy records the tunnel and the target sees the proxy, not us', async () => {
    const hostPort = new URL(targetUrl).host;
    await probeProxy(viaHttp(), targetUrl, 5000);
    expect(http.connections.map((c) => c.target)).toContain(hostPort);
    await probeProxy(viaSocks(), targetUrl, 5000);
    await socks.waitFor((c) => c.target === hostPort);
    expect(seenFrom).toEqual(['127.0.0.3', '127.0.0.2']);
  });

  it('refuses wrong credentials and dead proxies with "proxy unreachable", never echoing the password', async () => {
    const wrong = await probeProxy({ ...viaHttp(), password: 'nope-pw' }, targetUrl, 5000).catch((e: Error) => e);
    expect(wrong).toBeInstanceOf(ProxyUnreachableError);
    expect((wrong as Error).message).toMatch(/^proxy unreachable: .*407/);
    const wrongSocks = await probeProxy({ ...viaSocks(), password: 'nope-pw' }, targetUrl, 5000).catch((e: Error) => e);
    expect((wrongSocks as Error).message).toMatch(/^proxy unreachable: /);
    expect((wrongSocks as Error).message).not.toContain('nope-pw');
    const dead = await probeProxy({ ...viaHttp(), port: await freePort() }, targetUrl, 5000).catch((e: Error) => e);
    expect((dead as Error).message).toMatch(/^proxy unreachable: .*ECONNREFUSED/);
    expect((dead as Error).message).not.toContain('s3cr3t');
  });

  it('a proxy that answers CONNECT with an error (502) is refused, not mistaken for the target answering', async () => {
    const broken = createServer().on('connect', (_req, socket) => socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
    try {
      const port = (broken.address() as AddressInfo).port;
      const err = await probeProxy({ host: '127.0.0.1', port, protocol: 'http' }, targetUrl, 5000).catch((e: Error) => e);
      expect((err as Error).message).toMatch(/^proxy unreachable: .*502/);
    } finally {
      await new Promise((r) => broken.close(r));
    }
    // n8n's placeholder values (host "1234") do not pass either
    const placeholder = await probeProxy({ host: '1234', port: 1234, protocol: 'http' }, targetUrl, 3000).catch((e: Error) => e);
    expect((placeholder as Error).message).toMatch(/^proxy unreachable: /);
  });

  it.each([
    ['http', viaHttp, '127.0.0.3'],
    ['socks5', viaSocks, '127.0.0.2'],
  ])('%s: the Node agent (websocket, uploads) and the undici dispatcher (fetch) both go through the proxy', async (_name, settings, from) => {
    const route = ProxyRoute.of(settings());
    try {
      seenFrom = [];
      const url = targetUrl.replace('ws:', 'http:');
      const res = await fetch(url, { dispatcher: route.dispatcher } as unknown as RequestInit); // undici's Dispatcher is not the one in Node's bundled fetch types
      expect(res.status).toBe(426);
      const status = await new Promise<number>((resolve, reject) =>
        get(url, { agent: route.agent }, (r) => (r.resume(), resolve(r.statusCode ?? 0))).once('error', reject),
      );
      expect(status).toBe(426);
      expect(seenFrom).toEqual([from, from]);
    } finally {
      await route.close();
    }
  });
});
