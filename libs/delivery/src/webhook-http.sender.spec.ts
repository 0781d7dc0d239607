import { Logger } from '@nestjs/common';
import { IncomingHttpHeaders, RequestListener, Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookHttpSender } from './webhook-http.sender';

/** The sender against a real local HTTP server: what actually goes on the wire. */
describe('WebhookHttpSender headers', () => {
  const received: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    received.push(req.headers);
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  let url: string;
  const sender = new WebhookHttpSender(5000);

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });

  afterAll(async () => {
    await sender.close();
    server.close();
  });

  it('sends custom headers, but ours (JSON, signatures) always win', async () => {
    const res = await sender.post(url, '{}', { 'webhook-id': 'evt_1' }, { Authorization: 'Bearer t', 'User-Agent': 'their-agent', 'X-Tenant': 'São' });
    expect(res.status).toBe(200);
    expect(received.at(-1)).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': 'evt_1',
      authorization: 'Bearer t',
      'user-agent': 'their-agent',
      'x-tenant': 'São', // Latin-1 on the wire, read back as Latin-1
    });
  });

  it('a stored header that cannot be sent is dropped with one warning, and the delivery still goes out', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const stored = {
      'X-Secret': 'line1\r\nX-Injected: yes',
      'bad name': 'v',
      'Content-Type': 'text/plain',
      'Webhook-Id': 'forged',
      Host: 'evil.example',
      'Transfer-Encoding': 'chunked',
      'X-Ok': 'kept',
    };
    for (let i = 0; i < 3; i++) {
      expect((await sender.post(url, '{"n":1}', { 'webhook-id': `evt_${i}` }, stored)).status).toBe(200);
    }
    const last = received.at(-1)!;
    expect(last).toMatchObject({ 'content-type': 'application/json', 'webhook-id': 'evt_2', 'x-ok': 'kept', 'content-length': '7' });
    expect(last.host).toBe(new URL(url).host);
    expect(last['x-secret']).toBeUndefined();
    expect(last['x-injected']).toBeUndefined();
    expect(last['transfer-encoding']).toBeUndefined();
    // six problems, each reported once however many deliveries carried it; never the value
    expect(warn).toHaveBeenCalledTimes(6);
    expect(warn.mock.calls.map((c) => String(c[0])).join('\n')).not.toContain('line1');
    warn.mockRestore();
  });
});

/** The overall deadline and the answer's excerpt, against real servers. */
describe('WebhookHttpSender answers', () => {
  const sender = new WebhookHttpSender(600);
  const servers: Server[] = [];
  const listen = async (handler: RequestListener) => {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  };

  afterAll(async () => {
    await sender.close();
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it('gives up on a receiver that drips its answer, once the whole exchange took the timeout', async () => {
    // Headers at once, then a byte every 100 ms: neither headersTimeout nor bodyTimeout ever fires.
    const url = await listen((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      const drip = setInterval(() => res.write('.'), 100);
      res.on('close', () => clearInterval(drip));
    });
    const started = Date.now();
    await expect(sender.post(url, '{}', { 'webhook-id': 'evt_slow' })).rejects.toThrow(/aborted due to timeout/);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(550);
    expect(took).toBeLessThan(2_000);
  });

  it('keeps the first 512 characters of a long answer and reads it to the end', async () => {
    const answer = 'x'.repeat(300) + 'y'.repeat(5_000);
    const url = await listen((req, res) => {
      req.resume();
      req.on('end', () => {
        // several writes: the excerpt spans chunks
        res.writeHead(503, { 'retry-after': '7' });
        res.write(answer.slice(0, 200));
        setImmediate(() => res.end(answer.slice(200)));
      });
    });
    const first = await sender.post(url, '{}', { 'webhook-id': 'evt_1' });
    expect(first).toMatchObject({ status: 503, excerpt: answer.slice(0, 512), retryAfter: '7' });
    // Read to its end: the next POST goes out on the pool as usual.
    await expect(sender.post(url, '{}', { 'webhook-id': 'evt_2' })).resolves.toMatchObject({ status: 503 });
  });
});
