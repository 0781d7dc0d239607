import type { GatewayProcess } from '@gw/testing';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';

/**
 * Instance names must survive a URL path (encoded or not) and a log line; real-world names
 * (any script, spaces inside, . - _ @) stay valid and reach their instance by URL.
 */
describe('instance names and tokens (e2e)', () => {
  const env = new E2eEnvironment();
  let gateway: GatewayProcess;

  beforeAll(async () => {
    await env.start();
    gateway = await env.startGateway();
  });

  afterAll(() => env.stop());

  const create = (body: Record<string, unknown>) => gateway.api('POST', '/instance/create', { apikey: API_KEY, body });
  const refused = (message: string) => ({
    status: 400,
    body: { status: 400, error: 'Bad Request', response: { message: [message] } },
  });

  it.each([
    ['empty', '', 'instanceName must not be empty'],
    ['only spaces', '   ', 'instanceName must not be only spaces'],
    ['a leading space', ' vendas', 'instanceName must not start or end with a space'],
    ['a trailing space', 'vendas ', 'instanceName must not start or end with a space'],
    ['a trailing no-break space', 'vendas\u00a0', 'instanceName must not start or end with a space'],
    ['"."', '.', 'instanceName must not be . or .. (URL dot segments)'],
    ['".."', '..', 'instanceName must not be . or .. (URL dot segments)'],
    ['a slash', 'sales/north', 'instanceName must not contain / ? # % or \\ (they change the URL path)'],
    ['a question mark', 'sales?', 'instanceName must not contain / ? # % or \\ (they change the URL path)'],
    ['a hash', 'sales#1', 'instanceName must not contain / ? # % or \\ (they change the URL path)'],
    ['a percent sign', '50%off', 'instanceName must not contain / ? # % or \\ (they change the URL path)'],
    ['a backslash', 'sales\\north', 'instanceName must not contain / ? # % or \\ (they change the URL path)'],
    ['CR LF', 'sales\r\nINFO fake line', 'instanceName must not contain control characters or line breaks'],
    ['LF', 'sales\nx', 'instanceName must not contain control characters or line breaks'],
    ['a C0 control (BEL)', 'sales\u0007', 'instanceName must not contain control characters or line breaks'],
    ['DEL', 'sales\u007f', 'instanceName must not contain control characters or line breaks'],
    ['a C1 control (NEL)', 'sales\u0085x', 'instanceName must not contain control characters or line breaks'],
    ['a line separator', 'sales\u2028x', 'instanceName must not contain control characters or line breaks'],
    ['a right-to-left override', 'sales\u202egpj.exe', 'instanceName must not contain bidirectional override or isolate characters'],
    ['a left-to-right embedding', 'sales\u202ax', 'instanceName must not contain bidirectional override or isolate characters'],
    ['a first-strong isolate', 'sales\u2068x', 'instanceName must not contain bidirectional override or isolate characters'],
    ['a lone high surrogate', 'sales\ud800', 'instanceName must not contain unpaired surrogates (invalid Unicode)'],
    ['a lone low surrogate', '\udc00sales', 'instanceName must not contain unpaired surrogates (invalid Unicode)'],
    ['101 characters', 'ç'.repeat(101), 'instanceName must be at most 100 characters'],
    ['NUL', 'sales\u0000x', 'instanceName must not contain the NUL character (\\u0000)'],
    ['a number', 42, 'instanceName must be a string'],
  ])('refuses a name with %s: 400 naming the field and the reason', async (_what, instanceName, message) => {
    expect(await create({ instanceName })).toEqual(refused(message));
  });

  it.each(['/webhook/find/sales%00x', '/instance/connectionState/sales%00x', '/settings/find/%00', '/rabbitmq/find/x%00'])(
    'a name with an encoded NUL in the path (%s) is a 400 before any lookup, never a 500, with or without a key',
    async (path) => {
      // The instance lookup by name ran first and Postgres refused the NUL: a 500 before.
      for (const apikey of [API_KEY, 'wrong']) {
        expect(await gateway.api('GET', path, { apikey })).toEqual(refused('the URL path must not contain the NUL character (\\u0000)'));
      }
    },
  );

  it('nothing refused was created', async () => {
    const res = await gateway.api('GET', '/instance/fetchInstances', { apikey: API_KEY });
    expect(res).toEqual({ status: 200, body: [] });
  });

  it.each([
    'vendas São Paulo',
    'Продажи Москва',
    '销售部 北京',
    'loja.centro-2_b',
    'suporte@empresa.com.br',
    '📦 entregas',
    'ü'.repeat(100),
    '...x',
  ])('accepts %j and reaches it by URL, encoded and as typed', async (instanceName) => {
    const created = await create({ instanceName });
    expect(created.status).toBe(201);
    expect(created.body.instance.instanceName).toBe(instanceName);

    const encoded = await gateway.api('GET', `/instance/connectionState/${encodeURIComponent(instanceName)}`, { apikey: API_KEY });
    expect(encoded).toEqual({ status: 200, body: { instance: { instanceName, state: expect.any(String) } } });
    // as n8n builds it: the name pasted into the path, the HTTP client escaping what it must
    const typed = await gateway.api('GET', `/instance/connectionState/${instanceName}`, { apikey: API_KEY });
    expect(typed.body.instance?.instanceName).toBe(instanceName);
    // the instance token works on its own path too
    const own = await gateway.api('GET', `/instance/connectionState/${encodeURIComponent(instanceName)}`, { apikey: created.body.hash });
    expect(own.status).toBe(200);

    expect((await gateway.api('DELETE', `/instance/delete/${encodeURIComponent(instanceName)}`, { apikey: API_KEY })).status).toBe(200);
  });

  it('refuses a token equal to the global API key, without echoing it', async () => {
    const res = await create({ instanceName: 'copycat', token: API_KEY });
    expect(res).toEqual(refused('token must not be the global API key'));
    expect(JSON.stringify(res.body)).not.toContain(API_KEY);
    expect((await gateway.api('GET', '/instance/connectionState/copycat', { apikey: API_KEY })).status).toBe(404);
  });

  it.each([
    ['CR LF', 'tok\r\nen'],
    ['a leading space', ' token-1'],
    ['a non-ASCII character', 'tokén-1'],
  ])('refuses a token with %s (it could not be sent back in the apikey header)', async (_what, token) => {
    expect(await create({ instanceName: 'tokens', token })).toEqual(
      refused('token must be printable ASCII without leading or trailing spaces (it is sent in the apikey header)'),
    );
  });
});
