import type { GatewayProcess, ReceivedWebhook } from '@gw/testing';
import { randomBytes } from 'node:crypto';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';

/**
 * Several webhooks on one instance, each with its own events, filters and format, against the
 * real gateway (Baileys inside), the fake WhatsApp server and a real receiver: each gets exactly
 * its events; a filtered-out event leaves no delivery row for that webhook; disabling one leaves
 * the others delivering; Evolution's /webhook/set and /webhook/find keep managing the primary.
 */
describe('several webhooks per instance, with filters (e2e)', () => {
  const env = new E2eEnvironment();
  const NAME = 'hooks';
  let gateway: GatewayProcess;
  let me: { jid: string; phone: string };
  let alice: { jid: string; phone: string };
  let bob: { jid: string; phone: string };
  let groupsOnly: { id: string };
  let cloudSends: { id: string; secret: string };
  let group: { id: string };

  beforeAll(async () => {
    await env.start();
    // secrets at rest on, to check the new rows are encrypted like the primary's
    gateway = await env.startGateway({ ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}` });
    ({ me } = await env.linkInstance(gateway, NAME));
    alice = env.fake.createAccount({ pushName: 'Alice' });
    bob = env.fake.createAccount({ pushName: 'Bob' });
  });

  afterAll(() => env.stop());

  const api = (method: string, path: string, body?: unknown) => gateway.api(method, path, { apikey: API_KEY, body });
  const at = (path: string, pred: (w: ReceivedWebhook) => boolean, what = path) => env.receiver.waitFor((w) => w.path === path && pred(w), 20_000, what);
  const keyIdOf = (w: ReceivedWebhook): string | undefined => w.body?.data?.key?.id;
  const deliveriesOf = (webhookId: string) =>
    env.db.query<{ event: string; body: string; status: string }>('SELECT event, body, status FROM "WebhookDelivery" WHERE "webhookId" = $1', [webhookId]);

  it('creates two more webhooks: incoming group messages only, and SEND_MESSAGE only in cloud-api format', async () => {
    const a = await api('POST', `/webhooks/${NAME}`, {
      name: 'groups',
      url: `${env.receiver.url}/groups`,
      events: ['MESSAGES_UPSERT', 'SEND_MESSAGE'],
      filters: { fromMe: false, chatTypes: ['group'] },
    });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ name: 'groups', primary: false, enabled: true, filters: { fromMe: false, chatTypes: ['group'] } });
    groupsOnly = { id: a.body.id };

    const b = await api('POST', `/webhooks/${NAME}`, {
      name: 'meta',
      url: `${env.receiver.url}/meta`,
      events: ['SEND_MESSAGE'],
      format: 'cloud-api',
      generateSecret: true,
      headers: { 'x-api-key': 'receiver-credential', 'x-team': 'ops' },
    });
    expect(b.status).toBe(201);
    expect(b.body).toMatchObject({ format: 'cloud-api', hubSignature: true, signed: true, secret: expect.stringMatching(/^whsec_/) });
    expect(b.body.headers).toEqual({ 'x-api-key': '[secret: set]', 'x-team': 'ops' });
    cloudSends = { id: b.body.id, secret: b.body.secret };

    const list = await api('GET', `/webhooks/${NAME}`);
    expect(list.body.map((w: { primary: boolean; name: string | null }) => [w.primary, w.name])).toEqual([
      [true, null],
      [false, 'groups'],
      [false, 'meta'],
    ]);
    expect(list.body.some((w: { secret?: string }) => 'secret' in w)).toBe(false);

    // the new rows' secret and header values are encrypted at rest like the primary's
    const [row] = await env.db.query<{ secret: string; headers: Record<string, string> }>('SELECT secret, headers FROM "Webhook" WHERE id = $1', [cloudSends.id]);
    expect(row.secret).toMatch(/^enc:v1:/);
    expect(row.headers['x-api-key']).toMatch(/^enc:v1:/);
    expect(row.secret).not.toContain(cloudSends.secret);
  });

  it('each webhook gets exactly its events; filtered events leave no delivery for the filtered webhook', async () => {
    group = env.fake.createGroup(alice.phone, 'Team', [me.jid, bob.phone]);
    const direct = await env.fake.sendMessage(me.jid, alice.phone, { conversation: 'direct to us' });
    const inGroup = await env.fake.sendMessage(group.id, bob.phone, { conversation: 'hello group' }, { group: group.id });
    const sent = await api('POST', `/message/sendText/${NAME}`, { number: alice.phone, text: 'our own' });
    expect(sent.status).toBe(201);
    const sentId = sent.body.key.id;

    // the primary (all events, byEvents) gets all three
    await at('/hooks/messages-upsert', (w) => keyIdOf(w) === direct.id);
    await at('/hooks/messages-upsert', (w) => keyIdOf(w) === inGroup.id);
    await at('/hooks/send-message', (w) => keyIdOf(w) === sentId);

    // groups: the incoming group message only
    const groupHook = await at('/groups', (w) => keyIdOf(w) === inGroup.id);
    expect(groupHook.body).toMatchObject({ event: 'messages.upsert', instance: NAME, data: { key: { remoteJid: group.id, fromMe: false } } });

    // meta: the send, in Meta's shape, signed the way Meta signs
    const meta = await at('/meta', (w) => JSON.stringify(w.body).includes(sentId));
    expect(meta.body).toMatchObject({ object: 'whatsapp_business_account' });
    expect(meta.body.entry[0].changes[0].value.statuses[0]).toMatchObject({ id: sentId, status: 'sent', recipient_id: alice.phone });
    expect(meta.headers['x-hub-signature-256']).toMatch(/^sha256=/);
    expect(meta.headers['x-api-key']).toBe('receiver-credential');

    // the outbox rows were written with the primary's, in the same statement: none for filtered events
    // (the group's creation notice is an incoming group message too)
    const groupRows = await deliveriesOf(groupsOnly.id);
    expect(groupRows.some((r) => r.body.includes(inGroup.id))).toBe(true);
    for (const r of groupRows) {
      expect(r.event).toBe('MESSAGES_UPSERT');
      expect(JSON.parse(r.body).data.key).toMatchObject({ remoteJid: group.id, fromMe: false });
    }
    const metaRows = await deliveriesOf(cloudSends.id);
    expect(metaRows.map((r) => r.event)).toEqual(['SEND_MESSAGE']);

    // and the delivery log shows which webhook each delivery was for
    const log = await api('GET', `/webhook/deliveries/${NAME}?webhookId=${groupsOnly.id}`);
    expect(log.status).toBe(200);
    expect(log.body.deliveries).toHaveLength(groupRows.length);
    for (const d of log.body.deliveries) expect(d).toMatchObject({ event: 'MESSAGES_UPSERT', webhookId: groupsOnly.id, url: `${env.receiver.url}/groups` });
    expect(env.receiver.received.filter((w) => w.path === '/groups' && [direct.id, sentId].includes(keyIdOf(w) ?? ''))).toEqual([]);
  });

  it('a PUT replaces the filters: an excluded chat stops reaching the webhook, the others still do', async () => {
    const put = await api('PUT', `/webhooks/${NAME}/${groupsOnly.id}`, {
      name: 'groups',
      url: `${env.receiver.url}/groups`,
      events: ['MESSAGES_UPSERT'],
      filters: { fromMe: false, excludeJids: [group.id] },
    });
    expect(put.status).toBe(200);
    expect(put.body.filters).toEqual({ fromMe: false, excludeJids: [group.id] });
    const inGroup = await env.fake.sendMessage(group.id, bob.phone, { conversation: 'excluded now' }, { group: group.id });
    const direct = await env.fake.sendMessage(me.jid, bob.phone, { conversation: 'bob direct' });
    await at('/groups', (w) => keyIdOf(w) === direct.id);
    await at('/hooks/messages-upsert', (w) => keyIdOf(w) === inGroup.id);
    const rows = await deliveriesOf(groupsOnly.id);
    expect(rows.some((r) => r.body.includes(inGroup.id))).toBe(false);
  });

  it('a chat included by its phone number matches when WhatsApp addresses the contact by LID', async () => {
    const created = await api('POST', `/webhooks/${NAME}`, {
      name: 'alice-only',
      url: `${env.receiver.url}/alice`,
      events: ['MESSAGES_UPSERT'],
      filters: { includeJids: [`+${alice.phone}`] },
    });
    expect(created.status).toBe(201);
    const fromBob = await env.fake.sendMessage(me.jid, bob.phone, { conversation: 'bob, not included' });
    const viaLid = await env.fake.sendMessage(me.jid, alice.phone, { conversation: 'alice by lid' }, { addressing: 'lid' });
    const got = await at('/alice', (w) => keyIdOf(w) === viaLid.id);
    expect(got.body.data.key.remoteJid).toMatch(/@lid$/);
    expect(got.body.data.key.remoteJidAlt).toBe(alice.jid);
    await at('/hooks/messages-upsert', (w) => keyIdOf(w) === fromBob.id);
    const rows = await deliveriesOf(created.body.id);
    expect(rows.some((r) => r.body.includes(fromBob.id))).toBe(false);
    expect(rows.every((r) => JSON.parse(r.body).data.key.remoteJidAlt === alice.jid || JSON.parse(r.body).data.key.remoteJid === alice.jid)).toBe(true);
  });

  it('disabling one webhook leaves the others delivering', async () => {
    const off = await api('PUT', `/webhooks/${NAME}/${groupsOnly.id}`, { url: `${env.receiver.url}/groups`, enabled: false });
    expect(off.body.enabled).toBe(false);
    const before = (await deliveriesOf(groupsOnly.id)).length;
    const direct = await env.fake.sendMessage(me.jid, alice.phone, { conversation: 'after disabling' });
    const sent = await api('POST', `/message/sendText/${NAME}`, { number: alice.phone, text: 'still going' });
    await at('/hooks/messages-upsert', (w) => keyIdOf(w) === direct.id);
    await at('/meta', (w) => JSON.stringify(w.body).includes(sent.body.key.id));
    expect(await deliveriesOf(groupsOnly.id)).toHaveLength(before);
  });

  it("Evolution's /webhook/set and /webhook/find still round-trip the primary webhook", async () => {
    const set = await api('POST', `/webhook/set/${NAME}`, {
      webhook: { enabled: true, url: `${env.receiver.url}/primary2`, webhookByEvents: false, webhookBase64: false, events: ['MESSAGES_UPSERT'] },
    });
    expect(set.status).toBe(201);
    const find = await api('GET', `/webhook/find/${NAME}`);
    expect(find.body).toMatchObject({ url: `${env.receiver.url}/primary2`, enabled: true, events: ['MESSAGES_UPSERT'], webhookByEvents: false });
    expect(find.body.id).toBe(set.body.id);
    const list = await api('GET', `/webhooks/${NAME}`);
    expect(list.body).toHaveLength(4);
    expect(list.body[0]).toMatchObject({ id: set.body.id, primary: true, url: `${env.receiver.url}/primary2` });
    const msg = await env.fake.sendMessage(me.jid, alice.phone, { conversation: 'to the new primary' });
    await at('/primary2', (w) => keyIdOf(w) === msg.id);
  });

  it('bad input is a 400 naming the field; unknown ids are 404; at most 10 webhooks', async () => {
    const bad = await api('POST', `/webhooks/${NAME}`, { url: `${env.receiver.url}/x`, filters: { chatTypes: ['channel'] } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.response.message)).toContain('filters.chatTypes');
    const badJid = await api('POST', `/webhooks/${NAME}`, { url: `${env.receiver.url}/x`, filters: { includeJids: ['not a jid'] } });
    expect(badJid.status).toBe(400);
    expect((await api('GET', `/webhooks/${NAME}/not-a-uuid`)).status).toBe(400);
    expect((await api('GET', `/webhooks/${NAME}/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await api('DELETE', `/webhooks/${NAME}/00000000-0000-4000-8000-000000000000`)).status).toBe(404);

    const created: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await api('POST', `/webhooks/${NAME}`, { url: `${env.receiver.url}/extra${i}`, enabled: false });
      expect(res.status).toBe(201);
      created.push(res.body.id);
    }
    const over = await api('POST', `/webhooks/${NAME}`, { url: `${env.receiver.url}/eleventh` });
    expect(over.status).toBe(409);
    expect(over.body.response.message[0]).toContain('10 webhooks');
    const del = await api('DELETE', `/webhooks/${NAME}/${created[0]}`);
    expect(del.body).toEqual({ id: created[0], deleted: true });
    expect((await api('GET', `/webhooks/${NAME}`)).body).toHaveLength(9);
  });

  it('rotates one webhook secret without touching the others', async () => {
    const rotated = await api('POST', `/webhooks/${NAME}/${cloudSends.id}/rotateSecret`, { graceSeconds: 60 });
    expect(rotated.status).toBe(201);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(cloudSends.secret);
    const [row] = await env.db.query<{ previousSecret: string }>('SELECT "previousSecret" FROM "Webhook" WHERE id = $1', [cloudSends.id]);
    expect(row.previousSecret).toMatch(/^enc:v1:/);
    const [groupsRow] = await env.db.query<{ secret: string | null }>('SELECT secret FROM "Webhook" WHERE id = $1', [groupsOnly.id]);
    expect(groupsRow.secret).toBeNull();
  });
});
