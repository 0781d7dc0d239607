import { gzipSync } from 'node:zlib';
import IORedis from 'ioredis';
import { rssMb, type GatewayProcess } from '@gw/testing';
import { API_KEY, E2eEnvironment } from '../support/e2e-env';
import { streamedUpload } from '../support/streamed-upload';

const MB = 1024 * 1024;
const envelope = (status: number, error: string, message: unknown) => ({ status, body: { status, error, response: { message } } });
const UNAUTHORIZED = envelope(401, 'Unauthorized', 'Unauthorized');

/**
 * The HTTP edge against the real gateway process: bad input is a 4xx in Evolution's envelope
 * (never a 500), and the apikey is checked before a body is read (issue #12, items 4 and 5).
 */
describe('HTTP edge: bad input and size before trust (e2e)', () => {
  const env = new E2eEnvironment();
  let gateway: GatewayProcess;

  /** A request with headers `gateway.api` does not set (content-encoding, raw bytes). */
  async function send(gw: GatewayProcess, method: string, path: string, body: Buffer | string | undefined, headers: Record<string, string>) {
    const res = await fetch(`${gw.url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, forwardedBy: res.headers.get('x-gw-forwarded-by') };
  }

  beforeAll(async () => {
    await env.start();
    gateway = await env.startGateway();
    const created = await gateway.api('POST', '/instance/create', {
      apikey: API_KEY,
      body: { instanceName: 'alpha', webhook: { url: `${env.receiver.url}/hooks`, events: ['QRCODE_UPDATED'] } },
    });
    expect(created.status).toBe(201);
    // the session runs (and holds its lease) once it shows its first QR
    await env.receiver.waitFor((w) => w.body?.event === 'qrcode.updated' && w.body.instance === 'alpha');
  });

  afterAll(() => env.stop());

  describe('bad input: a 4xx in the envelope, never a 500', () => {
    it('a body declared gzip that is not gzip: 400 with the key, 401 without (the body is never read)', async () => {
      const headers = { 'content-encoding': 'gzip' };
      const notGzip = await send(gateway, 'POST', '/settings/set/alpha', '{"rejectCall": true}', { ...headers, apikey: API_KEY });
      expect(notGzip).toMatchObject(envelope(400, 'Bad Request', ['Request body is not valid gzip data (content-encoding: gzip)']));
      const truncated = gzipSync(JSON.stringify({ rejectCall: true })).subarray(0, 12);
      expect(await send(gateway, 'POST', '/settings/set/alpha', truncated, { ...headers, apikey: API_KEY })).toMatchObject(
        envelope(400, 'Bad Request', ['Request body is not valid gzip data (content-encoding: gzip)']),
      );
      expect(await send(gateway, 'POST', '/settings/set/alpha', '{}', headers)).toMatchObject(UNAUTHORIZED);
      expect(await send(gateway, 'POST', '/settings/set/alpha', '{}', { 'content-encoding': 'zip', apikey: API_KEY })).toMatchObject(
        envelope(415, 'Unsupported Media Type', ['Unsupported content-encoding "zip" (use gzip, deflate, br or none)']),
      );

      // real gzip still works
      const body = gzipSync(JSON.stringify({ rejectCall: true, msgCall: 'busy' }));
      expect((await send(gateway, 'POST', '/settings/set/alpha', body, { ...headers, apikey: API_KEY })).status).toBe(201);
      expect((await gateway.api('GET', '/settings/find/alpha', { apikey: API_KEY })).body).toMatchObject({ rejectCall: true, msgCall: 'busy' });
    });

    it('JSON nested deeper than 32 levels: 400 naming the limit (5,000 levels was a stack overflow 500)', async () => {
      const nested = (depth: number) => '{"where":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);
      for (const depth of [33, 5000]) {
        expect(await send(gateway, 'POST', '/chat/findMessages/alpha', nested(depth), { apikey: API_KEY })).toMatchObject(
          envelope(400, 'Bad Request', ['JSON body is nested deeper than 32 levels']),
        );
      }
      const arrays = `{"numbers":${'['.repeat(40)}${']'.repeat(40)}}`;
      expect(await send(gateway, 'POST', '/chat/whatsappNumbers/alpha', arrays, { apikey: API_KEY })).toMatchObject(
        envelope(400, 'Bad Request', ['JSON body is nested deeper than 32 levels']),
      );
      // 32 levels pass the edge and reach the route
      const shallow = await send(gateway, 'POST', '/chat/findMessages/alpha', nested(32), { apikey: API_KEY });
      expect(shallow.status).toBe(200);
    });

    it('query parameters as arrays or objects: 400, never "all instances"', async () => {
      const query = (q: string) => gateway.api('GET', `/instance/fetchInstances?${q}`, { apikey: API_KEY });
      expect(await query('instanceName[]=alpha')).toEqual(
        envelope(400, 'Bad Request', ['Query parameter "instanceName[]" is not accepted: send instanceName=<text> once, without brackets']),
      );
      expect(await query('instanceName[$ne]=x')).toEqual(
        envelope(400, 'Bad Request', ['Query parameter "instanceName[$ne]" is not accepted: send instanceName=<text> once, without brackets']),
      );
      expect(await query(encodeURI('instanceName[$ne]=x'))).toEqual(
        envelope(400, 'Bad Request', ['Query parameter "instanceName[$ne]" is not accepted: send instanceName=<text> once, without brackets']),
      );
      expect(await query('instanceName=alpha&instanceName=beta')).toEqual(
        envelope(400, 'Bad Request', ['Query parameter "instanceName" must be given once, as text']),
      );
      const groups = await gateway.api('GET', '/group/fetchAllGroups/alpha?getParticipants[]=true', { apikey: API_KEY });
      expect(groups.status).toBe(400);
      // the plain form still filters
      const one = await query('instanceName=alpha');
      expect(one.status).toBe(200);
      expect(one.body.map((r: { name: string }) => r.name)).toEqual(['alpha']);
    });

    it('numbers as numeric strings are accepted on every route, in bodies and queries alike', async () => {
      const asNumbers = await gateway.api('POST', '/chat/findMessages/alpha', { apikey: API_KEY, body: { page: 1, offset: 10 } });
      const asStrings = await gateway.api('POST', '/chat/findMessages/alpha', { apikey: API_KEY, body: { page: '1', offset: '10' } });
      expect(asNumbers.status).toBe(200);
      expect(asStrings).toEqual(asNumbers);

      expect((await gateway.api('GET', '/webhook/deliveries/alpha?limit=5', { apikey: API_KEY })).status).toBe(200);
      // send routes: "1200" passes validation like 1200 and reaches the connection check
      for (const delay of [1200, '1200']) {
        const sent = await gateway.api('POST', '/message/sendText/alpha', { apikey: API_KEY, body: { number: '5511999999999', text: 'hi', delay } });
        expect(sent.status).toBe(400);
        expect(sent.body.response.message[0]).toMatch(/^The "alpha" instance is not connected/);
      }
    });

    it('one message per problem: the first failing rule of each field', async () => {
      const sent = await gateway.api('POST', '/message/sendText/alpha', { apikey: API_KEY, body: { number: '5511999999999', text: 'hi', delay: 'soon' } });
      expect(sent).toEqual(envelope(400, 'Bad Request', ['delay must be an integer number']));
      const negative = await gateway.api('POST', '/message/sendText/alpha', { apikey: API_KEY, body: { number: '5511999999999', text: 'hi', delay: '-1' } });
      expect(negative).toEqual(envelope(400, 'Bad Request', ['delay must not be less than 0']));
      expect(await gateway.api('GET', '/webhook/deliveries/alpha?limit=lots', { apikey: API_KEY })).toEqual(
        envelope(400, 'Bad Request', ['limit must be an integer']),
      );
      expect(await gateway.api('POST', '/chat/findMessages/alpha', { apikey: API_KEY, body: { page: '0', offset: 'ten' } })).toEqual(
        envelope(400, 'Bad Request', ['page must not be less than 1', 'offset must be an integer (the page size)']),
      );
    });
  });

  describe('size before trust', () => {
    const BIG = 130 * MB;

    it('an unauthenticated 130 MB POST is answered 401 before it is read, and memory does not grow by the body', async () => {
      const before = rssMb(gateway.pid!);
      for (const headers of [{}, { apikey: 'wrong-key' }] as Record<string, string>[]) {
        const res = await streamedUpload(gateway.url, '/message/sendMedia/alpha', BIG, headers);
        expect(res).toMatchObject(UNAUTHORIZED);
        // the gateway answered without reading: the writer stalled on backpressure long before the
        // end (what was written sits in the kernel's socket buffers: up to ~36 MB on loopback here)
        expect(res.finishedWriting).toBe(false);
        expect(res.writtenAtResponse).toBeLessThan(BIG / 2);
      }
      // an unknown instance is a 404 just as early (checked before the key, like Evolution)
      const ghost = await streamedUpload(gateway.url, '/message/sendMedia/ghost', BIG, { apikey: 'wrong-key' });
      expect(ghost).toMatchObject(envelope(404, 'Not Found', ['The "ghost" instance does not exist']));
      expect(ghost.finishedWriting).toBe(false);
      // a client waiting for "100 Continue" (curl does for large bodies) is never asked for the body
      const polite = await streamedUpload(gateway.url, '/message/sendMedia/alpha', BIG, {}, { expectContinue: true });
      expect(polite).toMatchObject({ ...UNAUTHORIZED, continued: false, writtenAtResponse: 0 });
      // 286 -> 708 MB before: the whole body was parsed first
      expect(rssMb(gateway.pid!) - before).toBeLessThan(60);
      expect((await gateway.api('GET', '/instance/connectionState/alpha', { apikey: API_KEY })).status).toBe(200);
    });

    it('authenticated bodies: 1 MB where no media travels, 136 MB on media routes; each refusal a 413 in the envelope', async () => {
      const tooLarge = (mb: number) => envelope(413, 'Payload Too Large', [`Request body is larger than this route accepts (${mb} MB)`]);
      // declared length over the limit: refused before reading
      const declared = await streamedUpload(gateway.url, '/settings/set/alpha', 64 * MB, { apikey: API_KEY });
      expect(declared).toMatchObject(tooLarge(1));
      expect(declared.finishedWriting).toBe(false);
      // an authenticated client waiting for "100 Continue" gets it, then its answer
      const chunk = Buffer.from(JSON.stringify({ rejectCall: true }));
      expect(await streamedUpload(gateway.url, '/settings/set/alpha', chunk.length, { apikey: API_KEY }, { expectContinue: true, chunk })).toMatchObject({
        continued: true,
        finishedWriting: true,
        status: 201,
      });
      // chunked (no length): refused once 1 MB has been read
      expect(await streamedUpload(gateway.url, '/chat/findMessages/alpha', 2 * MB, { apikey: API_KEY }, { chunked: true })).toMatchObject(tooLarge(1));
      // media routes: 140 MB declared is refused at once, a 2 MB text passes the size check
      const huge = await streamedUpload(gateway.url, '/message/sendMedia/alpha', 140 * MB, { apikey: API_KEY });
      expect(huge).toMatchObject(tooLarge(136));
      expect(huge.finishedWriting).toBe(false);
      const media = await gateway.api('POST', '/message/sendMedia/alpha', {
        apikey: API_KEY,
        body: { number: '5511999999999', mediatype: 'image', media: 'A'.repeat(2 * MB) },
      });
      expect(media.status).toBe(400);
      expect(media.body.response.message[0]).toMatch(/^The "alpha" instance is not connected/);
      const picture = await gateway.api('POST', '/chat/updateProfilePicture/alpha', { apikey: API_KEY, body: { picture: 'x'.repeat(2 * MB) } });
      expect(picture.status).not.toBe(413);
    });
  });

  describe('on a node that forwards to the instance owner', () => {
    let other: GatewayProcess;

    beforeAll(async () => {
      other = await env.startGateway({ NODE_ID: 'node-b' });
      // alpha was created while only the first node ran: its lease says so
      const [row] = await env.db.query<{ id: string }>('SELECT id FROM "Instance" WHERE name = $1', ['alpha']);
      const redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
      try {
        expect(await redis.get(`${env.redisPrefix}:lease:${row.id}`)).not.toMatch(/^node-b\|/);
      } finally {
        redis.disconnect();
      }
    });

    it('refuses unauthenticated large bodies before reading or forwarding them', async () => {
      const res = await streamedUpload(other.url, '/message/sendMedia/alpha', 130 * MB);
      expect(res).toMatchObject(UNAUTHORIZED);
      expect(res.finishedWriting).toBe(false);
    });

    it('streams authenticated bodies (gzip too) to the owner, which applies them', async () => {
      const body = gzipSync(JSON.stringify({ rejectCall: false, msgCall: 'forwarded', groupsIgnore: true }));
      const set = await send(other, 'POST', '/settings/set/alpha', body, { 'content-encoding': 'gzip', apikey: API_KEY });
      expect(set.status).toBe(201);
      expect(set.forwardedBy).not.toBeNull(); // set only on forwarded answers
      expect((await gateway.api('GET', '/settings/find/alpha', { apikey: API_KEY })).body).toMatchObject({ msgCall: 'forwarded', groupsIgnore: true });
      // a client waiting for "100 Continue" gets it from the forwarding node, which then streams the body on
      const chunk = Buffer.from(JSON.stringify({ msgCall: 'after continue' }));
      const polite = await streamedUpload(other.url, '/settings/set/alpha', chunk.length, { apikey: API_KEY }, { expectContinue: true, chunk });
      expect(polite).toMatchObject({ status: 201, continued: true });
      expect((await gateway.api('GET', '/settings/find/alpha', { apikey: API_KEY })).body).toMatchObject({ msgCall: 'after continue' });
      // the owner's own refusals come back unchanged
      const notGzip = await send(other, 'POST', '/settings/set/alpha', 'plain', { 'content-encoding': 'gzip', apikey: API_KEY });
      expect(notGzip).toMatchObject(envelope(400, 'Bad Request', ['Request body is not valid gzip data (content-encoding: gzip)']));
      const big = await streamedUpload(other.url, '/settings/set/alpha', 2 * MB, { apikey: API_KEY });
      expect(big).toMatchObject(envelope(413, 'Payload Too Large', ['Request body is larger than this route accepts (1 MB)']));
    });
  });
});
