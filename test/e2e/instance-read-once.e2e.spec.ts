import type { GatewayProcess } from '@gw/testing';
import { API_KEY, E2eEnvironment } from '../support/e2e-env';
import { SqlTrace } from '../support/sql-trace';

/** Reads of the Instance row by name: what resolving a route's :instanceName costs (background reads go by id). */
const byName = (statements: string[]) => statements.filter((q) => /FROM "public"\."Instance"/.test(q) && /"name" = \$1/.test(q));

/**
 * A route's :instanceName is read once per request (issue #13, item 5): the HTTP edge reads the
 * whole row when it authenticates; the cluster forwarding check and @InstanceParam() reuse it
 * (before: three reads, by the edge, the forwarding middleware and the param pipe).
 */
describe('the instance row is read once per request (e2e)', () => {
  const env = new E2eEnvironment();
  const sql = new SqlTrace();
  let gateway: GatewayProcess;
  let token: string;

  beforeAll(async () => {
    await env.start();
    gateway = await env.startGateway(sql.env);
    const created = await gateway.api('POST', '/instance/create', { apikey: API_KEY, body: { instanceName: 'alpha' } });
    expect(created.status).toBe(201);
    token = created.body.hash;
  });

  afterAll(async () => {
    await env.stop();
    sql.remove();
  });

  it.each([
    ['GET', '/instance/connectionState/alpha', undefined],
    ['GET', '/webhook/find/alpha', undefined],
    ['POST', '/settings/set/alpha', { rejectCall: true }],
    ['POST', '/chat/findChats/alpha', {}],
    ['GET', '/group/fetchAllGroups/alpha?getParticipants=false', undefined],
    ['POST', '/message/sendText/alpha', { number: '5511999999999', text: 'hi' }],
    ['PUT', '/chat/archiveChat/alpha', { chat: '5511999999999', archive: true }],
  ])('%s %s: one read', async (method, path, body) => {
    const { result, statements } = await sql.during(() => gateway.api(method, path, { apikey: API_KEY, body }));
    expect(result.status).toBeLessThan(500);
    expect(byName(statements)).toHaveLength(1);
  });

  it('an instance token is checked against that same read', async () => {
    const { result, statements } = await sql.during(() => gateway.api('GET', '/settings/find/alpha', { apikey: token }));
    expect(result.status).toBe(200);
    expect(byName(statements)).toHaveLength(1);
  });
});
