import { createHmac, randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { Queue } from 'bullmq';
import {
  FakeGraphApiServer,
  GatewayProcess,
  NotificationAccount,
  fakeWamid,
  metaNotification,
  metaSignature,
  metaTextMessage,
} from '@gw/testing';
import { API_KEY, E2eEnvironment } from '../support/e2e-env';

/**
 * WhatsApp Cloud API end to end: the real gateway process against a local fake Graph API,
 * Meta-signed notifications posted to its public webhook routes, and the real delivery
 * pipeline (outbox + BullMQ + signed POSTs) into a real receiver.
 */
describe('WhatsApp Cloud API (e2e)', () => {
  const env = new E2eEnvironment();
  const APP_SECRET = 'meta-app-secret-0123456789abcdef';
  const VERIFY_TOKEN = 'verify-me-please';
  const GOOD_TOKEN = 'EAAG-good-access-token';
  const account: NotificationAccount = { businessAccountId: '102290129340398', phoneNumberId: '106540352242922', displayPhoneNumber: '15550783881' };
  const customer = { waId: '5511988887777', name: 'Carla' };
  let graph: FakeGraphApiServer;
  let gateway: GatewayProcess;
  let cloudId: string;
  let inbound: Queue;
  let redis: IORedis;
  /** Notifications the gateway accepted (200), i.e. queued jobs to wait for. */
  let accepted = 0;

  beforeAll(async () => {
    await env.start();
    graph = await FakeGraphApiServer.start([{ ...account, token: GOOD_TOKEN, verifiedName: 'Acme' }]);
    gateway = await env.startGateway({
      WA_BUSINESS_URL: graph.url,
      WA_BUSINESS_VERSION: 'v21.0',
      WA_BUSINESS_TOKEN_WEBHOOK: VERIFY_TOKEN,
      WA_BUSINESS_APP_SECRET: APP_SECRET,
    });
    redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    inbound = new Queue('meta-inbound', { connection: redis, prefix: env.redisPrefix });
  });

  afterAll(async () => {
    if (process.env.DUMP_LOGS) console.log(gateway.logs.filter((l) => /Meta|error|warn/i.test(l)).join('\n'));
    await inbound?.close();
    redis?.disconnect();
    await graph?.close();
    await env.stop();
  });

  /** POSTs raw bytes to a Meta route, signed with `secret` unless a signature is given. */
  const postMeta = async (body: string, opts: { signature?: string; path?: string } = {}) => {
    const res = await fetch(`${gateway.url}${opts.path ?? '/webhook/meta'}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': opts.signature ?? metaSignature(body, APP_SECRET) },
      body,
    });
    if (res.status === 200) accepted += 1;
    return { status: res.status, body: await res.json().catch(() => null) };
  };

  /** Every accepted notification has been processed (its events routed into the outbox). */
  const inboundSettled = async () => {
    const until = Date.now() + 20_000;
    // BullMQ job counts have no push notification here; poll them, bounded.
    for (;;) {
      const c = await inbound.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
      if (c.completed + c.failed >= accepted && c.waiting + c.active + c.delayed === 0) return c;
      if (Date.now() > until) throw new Error(`inbound queue not settled: ${JSON.stringify(c)}, accepted ${accepted}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  /** Deliveries the pipeline created (outbox rows) for one event whose body mentions `id`. */
  const deliveriesOf = (event: string, id: string) =>
    env.db.query<{ id: string }>(`SELECT id FROM "WebhookDelivery" WHERE event = $1 AND body LIKE $2`, [event, `%${id}%`]);

  it('creates a WHATSAPP-BUSINESS instance that is open once the Graph API accepts the token', async () => {
    const res = await gateway.api('POST', '/instance/create', {
      apikey: API_KEY,
      body: {
        instanceName: 'cloud',
        integration: 'WHATSAPP-BUSINESS',
        number: account.phoneNumberId,
        token: GOOD_TOKEN,
        businessId: account.businessAccountId,
        webhook: { url: `${env.receiver.url}/cloud`, events: [] },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.instance).toMatchObject({ instanceName: 'cloud', integration: 'WHATSAPP-BUSINESS', status: 'open' });
    expect(res.body.hash).not.toBe(GOOD_TOKEN); // the access token is not the instance API key
    cloudId = res.body.instance.instanceId;
    const check = await graph.waitFor((r) => r.method === 'GET' && r.path === `/${account.phoneNumberId}`);
    expect(check).toMatchObject({ version: 'v21.0', authorization: `Bearer ${GOOD_TOKEN}` });
    const open = await env.receiver.waitFor((w) => w.path === '/cloud' && w.body.event === 'connection.update' && w.body.data.state === 'open');
    expect(open.body.data).toMatchObject({ instance: 'cloud', wuid: `${account.displayPhoneNumber}@s.whatsapp.net`, profileName: 'Acme' });
    // `number` stays the phone number id (as in Evolution): notifications are routed by it
    const row = await gateway.api('GET', '/instance/fetchInstances?instanceName=cloud', { apikey: API_KEY });
    expect(row.body[0]).toMatchObject({ number: account.phoneNumberId, businessId: account.businessAccountId, connectionStatus: 'open' });
    expect(JSON.stringify(row.body)).not.toContain(GOOD_TOKEN);
  });

  it('a token the Graph API refuses leaves the instance closed (401), and missing Cloud fields are a 400 naming them', async () => {
    const bad = await gateway.api('POST', '/instance/create', {
      apikey: API_KEY,
      body: { instanceName: 'cloud-bad', integration: 'WHATSAPP-BUSINESS', number: account.phoneNumberId, token: 'expired', businessId: '1' },
    });
    expect(bad.status).toBe(201);
    expect(bad.body.instance.status).toBe('close');
    const state = await gateway.api('GET', '/instance/fetchInstances?instanceName=cloud-bad', { apikey: API_KEY });
    expect(state.body[0]).toMatchObject({ connectionStatus: 'close', disconnectionReasonCode: 401 });

    const missing = await gateway.api('POST', '/instance/create', {
      apikey: API_KEY,
      body: { instanceName: 'cloud-missing', integration: 'WHATSAPP-BUSINESS', number: account.phoneNumberId },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.response.message).toEqual([
      expect.stringContaining('token is required'),
      expect.stringContaining('businessId is required'),
    ]);
  });

  it('verification GET echoes hub.challenge for the right token, 403 for a wrong one (both paths)', async () => {
    const ok = await fetch(`${gateway.url}/webhook/meta?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const v1 = await fetch(`${gateway.url}/webhook/whatsapp/cloud?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=42`);
    expect(await v1.text()).toBe('42');
    const wrong = await fetch(`${gateway.url}/webhook/meta?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444`);
    expect(wrong.status).toBe(403);
    const body = await wrong.json();
    expect(body).toMatchObject({ status: 403, error: 'Forbidden' });
    expect(JSON.stringify(body)).not.toContain('1158201444');
  });

  it('a signed text notification becomes one MESSAGES_UPSERT (and CONTACTS_UPSERT) in Evolution v2 shape', async () => {
    const id = fakeWamid();
    const res = await postMeta(JSON.stringify(metaTextMessage(account, customer, 'hola gateway', id)));
    expect(res).toEqual({ status: 200, body: { status: 'success' } });
    const w = await env.receiver.waitFor((x) => x.path === '/cloud' && x.body.event === 'messages.upsert' && x.body.data.key.id === id);
    expect(w.body).toMatchObject({ instance: 'cloud', sender: `${account.displayPhoneNumber}@s.whatsapp.net` });
    expect(w.body.data).toEqual({
      key: { remoteJid: `${customer.waId}@s.whatsapp.net`, fromMe: false, id },
      pushName: 'Carla',
      status: 'DELIVERY_ACK',
      message: { conversation: 'hola gateway' },
      contextInfo: null,
      messageType: 'conversation',
      messageTimestamp: expect.any(Number),
      instanceId: cloudId,
      source: 'unknown',
    });
    const contact = await env.receiver.waitFor((x) => x.path === '/cloud' && x.body.event === 'contacts.upsert');
    expect(contact.body.data).toEqual([{ remoteJid: `${customer.waId}@s.whatsapp.net`, pushName: 'Carla', profilePicUrl: null, instanceId: cloudId }]);
  });

  it('the same notification sent twice (Meta retry) still produces one MESSAGES_UPSERT', async () => {
    const id = fakeWamid();
    const body = JSON.stringify(metaTextMessage(account, customer, 'sent twice', id));
    expect((await postMeta(body)).status).toBe(200);
    expect((await postMeta(body)).status).toBe(200);
    await inboundSettled();
    expect(await deliveriesOf('MESSAGES_UPSERT', id)).toHaveLength(1);
    await env.receiver.waitFor((x) => x.path === '/cloud' && x.body.event === 'messages.upsert' && x.body.data.key.id === id);
    expect(env.receiver.received.filter((x) => x.body?.event === 'messages.upsert' && x.body.data.key.id === id)).toHaveLength(1);
  });

  it('a bad signature is a 401 and nothing is queued or delivered; the v1 path needs a valid one too', async () => {
    const before = await inbound.count();
    const id = fakeWamid();
    const body = JSON.stringify(metaTextMessage(account, customer, 'forged', id));
    const forged = await postMeta(body, { signature: metaSignature(body, 'not-the-app-secret-000000000000') });
    expect(forged.status).toBe(401);
    const unsigned = await fetch(`${gateway.url}/webhook/whatsapp/cloud`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    expect(await inbound.count()).toBe(before);
    await inboundSettled();
    expect(await deliveriesOf('MESSAGES_UPSERT', id)).toHaveLength(0);
  });

  it('a 4 MB body is refused with 413 (Meta payloads are at most 3 MB)', async () => {
    const big = JSON.stringify(metaNotification(account, { padding: 'x'.repeat(4 * 1024 * 1024) }));
    const res = await postMeta(big);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ status: 413, error: 'Payload Too Large' });
  });

  it('sendText on a Cloud API instance calls the Graph API and returns the Evolution-shaped record; its statuses become MESSAGES_UPDATE', async () => {
    const res = await gateway.api('POST', '/message/sendText/cloud', { apikey: API_KEY, body: { number: '+55 11 98888-7777', text: 'hello from cloud' } });
    expect(res.status).toBe(201);
    const call = await graph.waitFor((r) => r.method === 'POST' && r.path === `/${account.phoneNumberId}/messages`);
    expect(call.authorization).toBe(`Bearer ${GOOD_TOKEN}`);
    expect(call.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: customer.waId,
      type: 'text',
      text: { body: 'hello from cloud', preview_url: false },
    });
    expect(res.body).toEqual({
      key: { remoteJid: `${customer.waId}@s.whatsapp.net`, fromMe: true, id: expect.stringMatching(/^wamid\./) },
      pushName: 'Acme',
      status: 'PENDING',
      message: { conversation: 'hello from cloud' },
      contextInfo: null,
      messageType: 'conversation',
      messageTimestamp: expect.any(Number),
      instanceId: cloudId,
      source: 'unknown',
    });
    const wamid = res.body.key.id;
    await env.receiver.waitFor((x) => x.body.event === 'send.message' && x.body.data.key.id === wamid);

    const status = { id: wamid, status: 'delivered', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: customer.waId };
    expect((await postMeta(JSON.stringify(metaNotification(account, { statuses: [status] })))).status).toBe(200);
    const update = await env.receiver.waitFor((x) => x.body.event === 'messages.update' && x.body.data.keyId === wamid);
    expect(update.body.data).toMatchObject({
      keyId: wamid,
      remoteJid: `${customer.waId}@s.whatsapp.net`,
      fromMe: true,
      status: 'DELIVERY_ACK',
      instanceId: cloudId,
      messageId: expect.any(String),
    });

    // Two statuses of one message in one notification are two updates; a later repeat of one of them is a duplicate.
    const at = String(Math.floor(Date.now() / 1000));
    const both = [
      { id: wamid, status: 'sent', timestamp: at, recipient_id: customer.waId },
      { id: wamid, status: 'read', timestamp: at, recipient_id: customer.waId },
    ];
    expect((await postMeta(JSON.stringify(metaNotification(account, { statuses: both })))).status).toBe(200);
    const updatesOf = () => env.receiver.received.filter((x) => x.body.event === 'messages.update' && x.body.data.keyId === wamid).map((x) => x.body.data.status);
    await env.receiver.waitFor((x) => x.body.event === 'messages.update' && x.body.data.keyId === wamid && x.body.data.status === 'READ');
    const failed = { id: wamid, status: 'failed', timestamp: at, recipient_id: customer.waId, errors: [{ code: 131047, title: 'Re-engagement message' }] };
    // the repeat and a new status together: once the new one's update is here, the repeat was judged
    expect((await postMeta(JSON.stringify(metaNotification(account, { statuses: [both[0], failed] })))).status).toBe(200);
    await env.receiver.waitFor((x) => x.body.event === 'messages.update' && x.body.data.keyId === wamid && x.body.data.status === 'ERROR');
    expect(updatesOf().sort()).toEqual(['DELIVERY_ACK', 'ERROR', 'READ', 'SERVER_ACK']);
  });

  it('sendTemplate on a Cloud API instance posts the template to the Graph API; v1 body too; bad bodies are 400s', async () => {
    const components = [{ type: 'body', parameters: [{ type: 'text', text: 'A-1234' }] }];
    const res = await gateway.api('POST', '/message/sendTemplate/cloud', {
      apikey: API_KEY,
      body: { number: customer.waId, name: 'order_confirmation', language: 'pt_BR', components },
    });
    expect(res.status).toBe(201);
    const call = await graph.waitFor(
      (r) => r.method === 'POST' && r.path === `/${account.phoneNumberId}/messages` && (r.body as { type?: string } | undefined)?.type === 'template',
    );
    expect(call.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: customer.waId,
      type: 'template',
      template: { name: 'order_confirmation', language: { code: 'pt_BR' }, components },
    });
    expect(res.body).toMatchObject({
      key: { remoteJid: `${customer.waId}@s.whatsapp.net`, fromMe: true, id: expect.stringMatching(/^wamid\./) },
      messageType: 'templateMessage',
      message: { templateMessage: { name: 'order_confirmation', language: { code: 'pt_BR' } } },
      status: 'PENDING',
    });

    const v1 = await gateway.api('POST', '/message/sendTemplate/cloud', {
      apikey: API_KEY,
      body: { number: customer.waId, templateMessage: { name: 'hello_world', language: 'en_US' } },
    });
    expect(v1.status).toBe(201);
    await graph.waitFor((r) => (r.body as { template?: { name?: string } } | undefined)?.template?.name === 'hello_world');

    const bad = await gateway.api('POST', '/message/sendTemplate/cloud', { apikey: API_KEY, body: { number: customer.waId, name: 'x', language: 'Portuguese' } });
    expect(bad.status).toBe(400);
    expect(bad.body.response.message.join(' ')).toMatch(/^language must be a template locale code/);
  });

  it('an unsupported message type still produces an event, with Meta\'s message kept', async () => {
    const id = fakeWamid();
    const raw = { from: customer.waId, id, timestamp: '1700000000', type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown' }] };
    expect((await postMeta(JSON.stringify(metaNotification(account, { messages: [raw] })), { path: '/webhook/whatsapp/cloud' })).status).toBe(200);
    const w = await env.receiver.waitFor((x) => x.body.event === 'messages.upsert' && x.body.data.key.id === id);
    expect(w.body.data).toMatchObject({ messageType: 'unknown', message: { unknownMessage: raw } });
  });

  it('an inbound Cloud API image is downloaded through the Graph API: MESSAGES_UPSERT carries it (base64 and mediaUrl); getBase64 serves it', async () => {
    const set = await gateway.api('POST', '/webhook/set/cloud', {
      apikey: API_KEY,
      body: { webhook: { enabled: true, url: `${env.receiver.url}/cloud`, base64: true, events: [] } },
    });
    expect(set.status).toBe(201);
    const bytes = randomBytes(30_000);
    graph.addMedia('1481234567890', bytes, 'image/jpeg');
    const id = fakeWamid();
    const image = { from: customer.waId, id, timestamp: '1700000001', type: 'image', image: { id: '1481234567890', mime_type: 'image/jpeg', sha256: 'abc=' } };
    expect((await postMeta(JSON.stringify(metaNotification(account, { messages: [image] })))).status).toBe(200);
    const w = await env.receiver.waitFor((x) => x.body.event === 'messages.upsert' && x.body.data.key.id === id);
    expect(w.body.data).toMatchObject({ messageType: 'imageMessage', message: { imageMessage: { mediaId: '1481234567890', mimetype: 'image/jpeg' } } });
    expect(Buffer.from(w.body.data.message.base64, 'base64').equals(bytes)).toBe(true);
    const stored = await fetch(w.body.data.message.mediaUrl);
    expect(Buffer.from(await stored.arrayBuffer()).equals(bytes)).toBe(true);
    // media id -> URL -> bytes, each with the instance's token
    const info = await graph.waitFor((r) => r.method === 'GET' && r.path === '/1481234567890');
    expect(info.authorization).toBe(`Bearer ${GOOD_TOKEN}`);
    expect(graph.requests.find((r) => r.path === '/media-bytes/1481234567890')?.authorization).toBe(`Bearer ${GOOD_TOKEN}`);

    const res = await gateway.api('POST', '/chat/getBase64FromMediaMessage/cloud', { apikey: API_KEY, body: { message: { key: { id } } } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ mediaType: 'imageMessage', mimetype: 'image/jpeg' });
    expect(Buffer.from(res.body.base64, 'base64').equals(bytes)).toBe(true);
  });

  it('a base64 image send uploads it with /media, then sends the message by that id', async () => {
    const png = randomBytes(5_000);
    const res = await gateway.api('POST', '/message/sendMedia/cloud', {
      apikey: API_KEY,
      body: { number: customer.waId, mediatype: 'image', mimetype: 'image/png', caption: 'by id', media: png.toString('base64') },
    });
    expect(res.status).toBe(201);
    const upload = await graph.waitFor((r) => r.method === 'POST' && r.path === `/${account.phoneNumberId}/media`);
    expect(upload.authorization).toBe(`Bearer ${GOOD_TOKEN}`);
    expect(upload.body).toMatchObject({ messaging_product: 'whatsapp', type: 'image/png', file: { type: 'image/png', size: png.length } });
    expect((upload.body.file.data as Buffer).equals(png)).toBe(true);
    const mediaId = [...graph.media.entries()].find(([, m]) => m.data.equals(png))?.[0];
    const send = await graph.waitFor((r) => r.method === 'POST' && r.path === `/${account.phoneNumberId}/messages` && r.body?.type === 'image');
    expect(graph.requests.indexOf(upload)).toBeLessThan(graph.requests.indexOf(send));
    expect(send.body).toMatchObject({ to: customer.waId, type: 'image', image: { id: mediaId, caption: 'by id' } });
    expect(res.body.message).toMatchObject({ imageMessage: { mediaId, mimetype: 'image/png', caption: 'by id' } });
  });

  it('a Baileys instance with a cloud-api webhook delivers an incoming text in Meta\'s envelope, signed with X-Hub-Signature-256', async () => {
    const secret = 'receiver-app-secret-abcdef012345';
    const noSecret = await gateway.api('POST', '/instance/create', {
      apikey: API_KEY,
      body: { instanceName: 'phone-unsigned', webhook: { url: `${env.receiver.url}/x`, format: 'cloud-api' } },
    });
    expect(noSecret.status).toBe(400);
    expect(noSecret.body.response.message[0]).toContain('secret is required with format cloud-api');

    const res = await gateway.api('POST', '/instance/create', {
      apikey: API_KEY,
      body: { instanceName: 'phone', qrcode: true, webhook: { url: `${env.receiver.url}/meta-shaped`, format: 'cloud-api', secret, events: [] } },
    });
    expect(res.status).toBe(201);
    // The only WhatsApp login of this suite: the device's login after the post-pairing restart. The message
    // is sent right after it, so it arrives while Baileys completes the login, before `open`: the envelope
    // must still carry the account's number (it was empty when only `open` told the gateway the account).
    const loggedIn = env.fake.waitFor('login', () => true, 20_000);
    const me = await env.fake.scan(res.body.qrcode.code, { pushName: 'Phone' });
    expect((await loggedIn).jid).toBe(me.jid);
    const alice = env.fake.createAccount({ pushName: 'Alice' });
    const key = await env.fake.sendMessage(me.jid, alice.phone, { conversation: 'hello cloud receiver' });

    const w = await env.receiver.waitFor(
      (x) => x.path === '/meta-shaped' && x.body.entry?.[0]?.changes?.[0]?.value?.messages?.[0]?.id === key.id,
      30_000,
    );
    expect(w.headers['x-hub-signature-256']).toBe('sha256=' + createHmac('sha256', secret).update(w.raw).digest('hex'));
    const number = me.jid.split('@')[0];
    expect(w.body).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: expect.any(String),
          changes: [
            {
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: number, phone_number_id: number },
                contacts: [{ profile: { name: 'Alice' }, wa_id: alice.phone }],
                messages: [{ from: alice.phone, id: key.id, timestamp: expect.stringMatching(/^\d+$/), type: 'text', text: { body: 'hello cloud receiver' } }],
              },
              field: 'messages',
            },
          ],
        },
      ],
    });
    // Only Cloud-API-shaped notifications reach this webhook: no QR, connection or contact events.
    expect(env.receiver.received.filter((x) => x.path === '/meta-shaped').every((x) => x.body.object === 'whatsapp_business_account')).toBe(true);
    // templates belong to the Business Platform: a linked device refuses them with a clear 400
    const template = await gateway.api('POST', '/message/sendTemplate/phone', { apikey: API_KEY, body: { number: alice.phone, name: 'hello_world', language: 'en_US' } });
    expect(template.status).toBe(400);
    expect(template.body.response.message).toEqual(['Error: templates can only be sent by Cloud API instances (integration WHATSAPP-BUSINESS)']);
    const find = await gateway.api('GET', '/webhook/find/phone', { apikey: API_KEY });
    expect(find.body).toMatchObject({ format: 'cloud-api', hubSignature: true, signed: true });
  });
});
