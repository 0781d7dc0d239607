import { E2eEnvironment, API_KEY } from '../support/e2e-env';
import type { GatewayProcess } from '@gw/testing';

/** Auth rules and error envelopes of the instance routes, against the real gateway process. */
describe('instance API: auth and errors (e2e)', () => {
  const env = new E2eEnvironment();
  let gateway: GatewayProcess;
  let tokenA: string;
  let idA: string;

  beforeAll(async () => {
    await env.start();
    gateway = await env.startGateway({ SERVER_BASE_PATH: '/whatsapp' });
    // l2msg body: no integration, camelCase settings, its own token
    const a = await gateway.api('POST', '/whatsapp/instance/create', {
      apikey: API_KEY,
      body: { instanceName: 'alpha', token: 'alpha-token-1', rejectCall: true, msgCall: 'busy' },
    });
    expect(a.status).toBe(201);
    expect(a.body.instance.integration).toBe('WHATSAPP-BAILEYS');
    expect(a.body.hash).toBe('alpha-token-1');
    expect(a.body.settings).toMatchObject({ rejectCall: true, msgCall: 'busy', groupsIgnore: false });
    tokenA = a.body.hash;
    idA = a.body.instance.instanceId;
    const b = await gateway.api('POST', '/whatsapp/instance/create', { apikey: API_KEY, body: { instanceName: 'beta' } });
    expect(b.status).toBe(201);
    expect(b.body.hash).toMatch(/^[0-9A-F-]{36}$/);
  });

  afterAll(() => env.stop());

  it('serves the welcome under the base path and the OpenAPI document at /docs', async () => {
    const root = await gateway.api('GET', '/whatsapp/');
    expect(root.status).toBe(200);
    expect(root.body).toMatchObject({ status: 200, message: expect.stringContaining('Welcome') });
    const docs = await gateway.api('GET', '/whatsapp/docs-json');
    expect(docs.status).toBe(200);
    const paths = Object.keys(docs.body.paths);
    for (const p of [
      '/whatsapp/instance/create',
      '/whatsapp/instance/connect/{instanceName}',
      '/whatsapp/instance/connectionState/{instanceName}',
      '/whatsapp/instance/fetchInstances',
      '/whatsapp/instance/restart/{instanceName}',
      '/whatsapp/instance/logout/{instanceName}',
      '/whatsapp/instance/delete/{instanceName}',
    ]) {
      expect(paths).toContain(p);
    }
    expect(docs.body.components.schemas.CreateInstanceDto.properties).toHaveProperty('webhook');
  });

  it('401 without a key or with a wrong key, in the envelope', async () => {
    const unauthorized = { status: 401, body: { status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } } };
    expect(await gateway.api('GET', '/whatsapp/instance/fetchInstances')).toEqual(unauthorized);
    expect(await gateway.api('GET', '/whatsapp/instance/fetchInstances', { apikey: 'wrong' })).toEqual(unauthorized);
    expect(await gateway.api('GET', '/whatsapp/instance/connectionState/alpha', { apikey: 'wrong' })).toEqual(unauthorized);
  });

  it('an instance token passes only its own instance, and cannot create', async () => {
    const own = await gateway.api('GET', '/whatsapp/instance/connectionState/alpha', { apikey: tokenA });
    expect(own.status).toBe(200);
    expect((await gateway.api('GET', '/whatsapp/instance/connectionState/beta', { apikey: tokenA })).status).toBe(401);
    const create = await gateway.api('POST', '/whatsapp/instance/create', { apikey: tokenA, body: { instanceName: 'x' } });
    expect(create.status).toBe(401);

    const list = await gateway.api('GET', '/whatsapp/instance/fetchInstances', { apikey: tokenA });
    expect(list.status).toBe(200);
    expect(list.body.map((r: { name: string }) => r.name)).toEqual(['alpha']);
    const all = await gateway.api('GET', '/whatsapp/instance/fetchInstances', { apikey: API_KEY });
    expect(all.body.map((r: { name: string }) => r.name)).toEqual(['alpha', 'beta']);
    expect(all.body[0]).toMatchObject({ id: idA, name: 'alpha', integration: 'WHATSAPP-BAILEYS', token: tokenA });
    const byName = await gateway.api('GET', '/whatsapp/instance/fetchInstances?instanceName=beta', { apikey: API_KEY });
    expect(byName.body.map((r: { name: string }) => r.name)).toEqual(['beta']);
    const byId = await gateway.api('GET', `/whatsapp/instance/fetchInstances?instanceId=${idA}`, { apikey: API_KEY });
    expect(byId.body.map((r: { name: string }) => r.name)).toEqual(['alpha']);
    const missing = await gateway.api('GET', '/whatsapp/instance/fetchInstances?instanceName=nope', { apikey: API_KEY });
    expect(missing.status).toBe(404);
  });

  it('404 for an unknown instance is answered before the key is checked', async () => {
    const res = await gateway.api('GET', '/whatsapp/instance/connect/ghost', { apikey: 'wrong' });
    expect(res).toEqual({
      status: 404,
      body: { status: 404, error: 'Not Found', response: { message: ['The "ghost" instance does not exist'] } },
    });
  });

  it('403 when the name is taken', async () => {
    const res = await gateway.api('POST', '/whatsapp/instance/create', { apikey: API_KEY, body: { instanceName: 'alpha' } });
    expect(res).toEqual({
      status: 403,
      body: { status: 403, error: 'Forbidden', response: { message: ['This name "alpha" is already in use.'] } },
    });
  });

  it('400 naming the field for invalid bodies, and for malformed JSON (never a 500)', async () => {
    const bad = await gateway.api('POST', '/whatsapp/instance/create', {
      apikey: API_KEY,
      body: { instanceName: '', integration: 'TELEGRAM', webhook: { url: 'not a url', events: ['MESSAGES_UPSERT', 'BOGUS'] } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 400, error: 'Bad Request' });
    const messages: string[] = bad.body.response.message;
    expect(messages).toEqual(
      expect.arrayContaining([
        'instanceName must not be empty',
        'Invalid integration',
        'webhook.url must be an http(s) URL',
        expect.stringMatching(/events contains unknown events \(BOGUS\); valid events: .*MESSAGES_UPSERT/),
      ]),
    );

    const malformed = await gateway.api('POST', '/whatsapp/instance/create', { apikey: API_KEY, raw: '{"instanceName": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ status: 400, error: 'Bad Request', response: { message: [expect.any(String)] } });

    const badQuery = await gateway.api('GET', '/whatsapp/instance/connect/alpha?number=abc', { apikey: API_KEY });
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.response.message[0]).toMatch(/^number/);

    const unknownRoute = await gateway.api('POST', '/whatsapp/nope', { apikey: API_KEY });
    expect(unknownRoute).toEqual({
      status: 404,
      body: { status: 404, error: 'Not Found', response: { message: ['Cannot POST /whatsapp/nope'] } },
    });
  });

  it('logout of an instance that is not connected is a 400 naming it', async () => {
    await gateway.api('DELETE', '/whatsapp/instance/delete/beta', { apikey: API_KEY });
    const stopped = await gateway.api('POST', '/whatsapp/instance/create', { apikey: API_KEY, body: { instanceName: 'gamma' } });
    expect(stopped.status).toBe(201);
    // gamma shows QRs but never linked: there is no device to unlink, so it is not connected
    const notConnected = {
      status: 400,
      body: { status: 400, error: 'Bad Request', response: { message: ['The "gamma" instance is not connected'] } },
    };
    expect(await gateway.api('DELETE', '/whatsapp/instance/logout/gamma', { apikey: API_KEY })).toEqual(notConnected);
    // nothing changed: it is still linking, and a second try answers the same
    const state = await gateway.api('GET', '/whatsapp/instance/connectionState/gamma', { apikey: API_KEY });
    expect(state.body.instance.state).toBe('connecting');
    expect(await gateway.api('DELETE', '/whatsapp/instance/logout/gamma', { apikey: API_KEY })).toEqual(notConnected);
  });

  it('answers 501 naming the route for integrations it does not serve (typebot, chatwoot, sqs, ...)', async () => {
    for (const [method, path] of [
      ['POST', '/whatsapp/typebot/create/alpha'],
      ['GET', '/whatsapp/chatwoot/find/alpha'],
      ['POST', '/whatsapp/sqs/set/alpha'],
      ['PUT', '/whatsapp/evolutionBot/update/x1/alpha'],
    ]) {
      const res = await gateway.api(method, path, { apikey: API_KEY, ...(method === 'GET' ? {} : { body: {} }) });
      expect(res.status).toBe(501);
      expect(res.body).toMatchObject({ status: 501, error: 'Not Implemented' });
      expect(res.body.response.message[0]).toContain(`${method} ${path}`);
    }
  });

  it('keeps secrets out of error bodies', async () => {
    const res = await gateway.api('POST', '/whatsapp/instance/create', { apikey: 'wrong', body: { instanceName: 'z' } });
    expect(JSON.stringify(res.body)).not.toContain(API_KEY);
    expect(gateway.logs.join('\n')).not.toContain(API_KEY);
  });
});
