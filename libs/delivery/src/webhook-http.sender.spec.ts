import { Logger } from '@nestjs/common';
import { IncomingHttpHeaders, createServer } from 'node:http';
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
