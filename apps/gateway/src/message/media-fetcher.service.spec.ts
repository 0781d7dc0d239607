import { EvolutionException } from '@gw/common';
import type { AppConfig } from '@gw/config';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpConnectProxy } from '@gw/testing';
import { ProxyRoute } from '@gw/whatsapp';
import { MediaFetcher } from './media-fetcher.service';

const config = (ssrfMode: 'default' | 'strict') => ({ delivery: { ssrfMode, ssrfAllow: [] } }) as unknown as AppConfig;

async function message(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(EvolutionException);
    expect((err as EvolutionException).getStatus()).toBe(400);
    return ((err as EvolutionException).messages as string[])[0];
  }
  throw new Error('expected a 400');
}

/** A real HTTP server on 127.0.0.1 serving what each test path asks for. */
describe('MediaFetcher (undici download of media URLs)', () => {
  let server: Server;
  let base: string;
  const fetcher = new MediaFetcher(config('default'));
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/photo.png': (_, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from('89504e47', 'hex')),
    '/download': (_, res) =>
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-disposition': 'attachment; filename="invoice 7.pdf"' }).end('%PDF-1.7'),
    '/moved': (_, res) => res.writeHead(302, { location: '/photo.png' }).end(),
    '/to-metadata': (_, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    '/missing': (_, res) => res.writeHead(404).end('nope'),
    '/declared-big': (_, res) => res.writeHead(200, { 'content-length': String(2048) }).end(Buffer.alloc(2048)),
    '/streamed-big': (_, res) => {
      res.writeHead(200); // chunked, no length: the cap is enforced while reading
      for (let i = 0; i < 4; i++) res.write(Buffer.alloc(512));
      res.end();
    },
    '/slow': () => undefined, // never answers
  };

  beforeAll(async () => {
    server = createServer((req, res) => (routes[req.url ?? ''] ?? routes['/missing'])(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await fetcher.onModuleDestroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('downloads the bytes with the declared type and Content-Disposition name', async () => {
    expect(await fetcher.fetch(new URL(`${base}/photo.png`), 1024)).toEqual({
      data: Buffer.from('89504e47', 'hex'),
      contentType: 'image/png',
      fileName: undefined,
    });
    expect(await fetcher.fetch(new URL(`${base}/download`), 1024)).toMatchObject({ contentType: 'application/pdf', fileName: 'invoice 7.pdf' });
  });

  it('follows redirects', async () => {
    expect((await fetcher.fetch(new URL(`${base}/moved`), 1024)).contentType).toBe('image/png');
  });

  it('refuses error statuses, naming the host only (the query may be a signature)', async () => {
    const host = new URL(base).host;
    expect(await message(fetcher.fetch(new URL(`${base}/missing?X-Amz-Signature=secret`), 1024))).toBe(
      `media: could not download from ${host}: HTTP 404`,
    );
  });

  it('caps the size by Content-Length and while streaming', async () => {
    expect(await message(fetcher.fetch(new URL(`${base}/declared-big`), 1024, 'audio'))).toBe('audio: media is larger than 1024 bytes');
    expect(await message(fetcher.fetch(new URL(`${base}/streamed-big`), 1024))).toMatch(/^media: media is larger than/);
  });

  it('times out', async () => {
    const quick = new MediaFetcher(config('default'));
    quick.timeoutMs = 200;
    expect(await message(quick.fetch(new URL(`${base}/slow`), 1024))).toMatch(/: timed out$/);
    await quick.onModuleDestroy();
  });

  it('goes through the SSRF guard and speaks http(s) only', async () => {
    const strict = new MediaFetcher(config('strict'));
    expect(await message(strict.fetch(new URL(`${base}/photo.png`), 1024))).toMatch(/address not allowed \(SSRF guard\)$/);
    await strict.onModuleDestroy();
    expect(await message(fetcher.fetch(new URL('ftp://127.0.0.1/x'), 1024))).toBe('media: media URLs must be http or https');
  });

  describe('through an instance proxy (proxy-chain on 127.0.0.1)', () => {
    const proxy = new HttpConnectProxy('media', 'media-pw');
    let route: ProxyRoute;

    beforeAll(async () => {
      await proxy.start();
      route = ProxyRoute.of({ host: '127.0.0.1', port: proxy.port, protocol: 'http', username: 'media', password: 'media-pw' });
    });

    afterAll(async () => {
      await route.close();
      await proxy.stop();
    });

    it('downloads through the proxy, redirects included', async () => {
      const host = new URL(base).host;
      const before = proxy.connections.length;
      expect(await fetcher.fetch(new URL(`${base}/moved`), 1024, 'media', route.dispatcher)).toMatchObject({ contentType: 'image/png' });
      expect(proxy.connections.slice(before).map((c) => c.target)).toContain(host);
    });

    it('the SSRF guard still judges the final target: refused before the proxy is asked', async () => {
      const strict = new MediaFetcher(config('strict'));
      let before = proxy.connections.length;
      expect(await message(strict.fetch(new URL(`${base}/photo.png`), 1024, 'media', route.dispatcher))).toMatch(/address not allowed \(SSRF guard\)$/);
      await strict.onModuleDestroy();
      expect(proxy.connections.length).toBe(before); // the proxy never saw it
      // a redirect to cloud metadata is refused in the default mode too: only the first hop went out
      before = proxy.connections.length;
      expect(await message(fetcher.fetch(new URL(`${base}/to-metadata`), 1024, 'media', route.dispatcher))).toMatch(/address not allowed \(SSRF guard\)$/);
      expect(proxy.connections.slice(before).map((c) => c.target)).not.toContain('169.254.169.254:80');
    });
  });
});
