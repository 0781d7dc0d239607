import type { GatewayProcess, PairedAccount } from '@gw/testing';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';

/**
 * Custom webhook headers: refused when they cannot be sent or would override the HTTP framing
 * or our signatures (400 naming the header); sent with every delivery otherwise; and a bad
 * header stored before these rules is dropped at delivery instead of failing every event.
 */
describe('webhook headers (e2e)', () => {
  const env = new E2eEnvironment();
  let gateway: GatewayProcess;
  let me: PairedAccount;
  let instanceId: string;
  const NAME = 'headers';
  const hooks = () => `${env.receiver.url}/hdr`;

  beforeAll(async () => {
    await env.start();
    gateway = await env.startGateway();
    ({ me, instanceId } = await env.linkInstance(gateway, NAME, { hooks: '/hdr' }));
  });

  afterAll(() => env.stop());

  const setNested = (headers: unknown) =>
    gateway.api('POST', `/webhook/set/${NAME}`, { apikey: API_KEY, body: { webhook: { enabled: true, url: hooks(), byEvents: true, headers } } });
  const refused = (message: string) => ({ status: 400, body: { status: 400, error: 'Bad Request', response: { message: [message] } } });

  it.each([
    ['Host', 'the HTTP client sets it from the URL'],
    ['content-length', 'the HTTP client sets it from the body'],
    ['Transfer-Encoding', 'the HTTP client frames the body'],
    ['connection', 'the HTTP client manages connections'],
    ['Content-Type', 'the gateway sends JSON (application/json)'],
    ['webhook-id', 'the gateway sets the webhook-* headers'],
    ['Webhook-Timestamp', 'the gateway sets the webhook-* headers'],
    ['WEBHOOK-SIGNATURE', 'the gateway sets the webhook-* headers'],
    ['x-hub-signature-256', 'the gateway signs deliveries with it'],
  ])('/webhook/set refuses overriding %s (any case), naming it', async (name, why) => {
    expect(await setNested({ Authorization: 'Bearer ok', [name]: 'x' })).toEqual(
      refused(`webhook.headers: header "${name}" cannot be overridden: ${why}`),
    );
  });

  it.each([
    ['a space in the name', { 'X Tenant': 'a' }, 'webhook.headers: header name "X Tenant" is not a valid HTTP field name'],
    ['a colon in the name', { 'X-A:b': 'a' }, 'webhook.headers: header name "X-A:b" is not a valid HTTP field name'],
    ['CR LF in a value', { 'X-Token': 'abc\r\nX-Injected: 1' }, 'webhook.headers: header "X-Token" value must not contain CR, LF, NUL or other control characters, nor characters beyond Latin-1'],
    ['LF in a value', { 'X-Token': 'abc\ndef' }, 'webhook.headers: header "X-Token" value must not contain CR, LF, NUL or other control characters, nor characters beyond Latin-1'],
    ['an object value', { 'X-Token': { a: 1 } }, 'webhook.headers: header "X-Token" must have a string value'],
    ['a list instead of an object', ['X-Token'], 'webhook.headers: must be an object of header names to values'],
  ])('/webhook/set refuses %s', async (_what, headers, message) => {
    expect(await setNested(headers)).toEqual(refused(message));
  });

  it('the flat (v1 / v2 docs) form and /instance/create are checked the same way; nothing is stored', async () => {
    const flat = await gateway.api('POST', `/webhook/set/${NAME}`, {
      apikey: API_KEY,
      body: { enabled: true, url: hooks(), webhook_by_events: true, headers: { host: 'evil.example' } },
    });
    expect(flat).toEqual(refused('headers: header "host" cannot be overridden: the HTTP client sets it from the URL'));

    const create = await gateway.api('POST', '/instance/create', {
      apikey: API_KEY,
      body: { instanceName: 'never-created', webhook: { url: hooks(), headers: { 'webhook-signature': 'v1,forged' } } },
    });
    expect(create).toEqual(refused('webhook.headers: header "webhook-signature" cannot be overridden: the gateway sets the webhook-* headers'));
    expect((await gateway.api('GET', '/instance/connectionState/never-created', { apikey: API_KEY })).status).toBe(404);
    expect((await gateway.api('GET', `/webhook/find/${NAME}`, { apikey: API_KEY })).body.headers).toBeNull();
  });

  it('valid custom headers go out with every delivery, beside our own', async () => {
    const res = await setNested({ Authorization: 'Bearer tenant-1', 'X-Tenant': 'vendas', 'X-Count': 3 });
    expect(res.status).toBe(201);
    // Credentials are never echoed (#14); values are stored as the strings they are sent as.
    expect(res.body.headers).toEqual({ Authorization: '[secret: set]', 'X-Tenant': 'vendas', 'X-Count': '3' });
    const alice = env.fake.createAccount({ pushName: 'Alice' });
    const key = await env.fake.sendMessage(me.jid, alice.phone, { conversation: 'with headers' });
    const w = await env.receiver.waitFor((x) => x.path === '/hdr/messages-upsert' && x.body.data.key.id === key.id);
    expect(w.headers).toMatchObject({
      authorization: 'Bearer tenant-1',
      'x-tenant': 'vendas',
      'x-count': '3',
      'content-type': 'application/json',
      'webhook-id': expect.any(String),
    });
  });

  it('a bad header stored before validation is dropped at delivery (logged once, without its value); events still arrive', async () => {
    expect((await setNested({ 'X-Ok': 'kept' })).status).toBe(201); // also clears the routing cache
    const legacy = { 'X-Ok': 'kept', 'X-Secret': 'part1\r\nX-Injected: yes', 'Content-Type': 'text/plain', 'webhook-id': 'forged' };
    await env.db.query('UPDATE "Webhook" SET headers = $1::jsonb WHERE "instanceId" = $2', [JSON.stringify(legacy), instanceId]);
    const warned = gateway.waitForLog(/header dropped, fix it with \/webhook\/set: header \\?"X-Secret\\?" value must not contain/);

    const bob = env.fake.createAccount({ pushName: 'Bob' });
    const first = await env.fake.sendMessage(me.jid, bob.phone, { conversation: 'legacy 1' });
    const second = await env.fake.sendMessage(me.jid, bob.phone, { conversation: 'legacy 2' });
    for (const key of [first, second]) {
      const w = await env.receiver.waitFor((x) => x.path === '/hdr/messages-upsert' && x.body.data.key.id === key.id);
      expect(w.headers['x-ok']).toBe('kept');
      expect(w.headers['x-secret']).toBeUndefined();
      expect(w.headers['x-injected']).toBeUndefined();
      expect(w.headers['content-type']).toBe('application/json');
      expect(w.headers['webhook-id']).not.toBe('forged');
    }
    await warned;
    const logged = gateway.logs.filter((l) => l.includes('header dropped'));
    expect(logged.filter((l) => l.includes('X-Secret'))).toHaveLength(1); // once, not per delivery
    expect(logged.join('\n')).not.toContain('part1');
  });
});
