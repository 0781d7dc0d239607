import type { GatewayProcess, PairedAccount, ReceivedWebhook } from '@gw/testing';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';

/**
 * Evolution v2 behaviours clients rely on: find routes answer the JSON document `null`, and a
 * contact's or chat's first appearance is an UPSERT (later ones UPDATEs), in publication order.
 */
describe('Evolution compatibility: null find bodies, first-contact upserts (e2e)', () => {
  const env = new E2eEnvironment();
  let gateway: GatewayProcess;
  let me: PairedAccount;
  let instanceId: string;
  const NAME = 'compat';

  beforeAll(async () => {
    await env.start();
    gateway = await env.startGateway();
    ({ me, instanceId } = await env.linkInstance(gateway, NAME, { hooks: '/ev' }));
  });

  afterAll(() => env.stop());

  /** The raw HTTP answer: the harness would turn an empty body into null and hide the defect. */
  const raw = async (path: string) => {
    const res = await fetch(`${gateway.url}${path}`, { headers: { apikey: API_KEY } });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };

  it('/webhook/find answers the JSON document null when no webhook is set', async () => {
    expect((await gateway.api('POST', '/instance/create', { apikey: API_KEY, body: { instanceName: 'bare' } })).status).toBe(201);
    const res = await raw('/webhook/find/bare');
    expect(res).toEqual({ status: 200, type: expect.stringMatching(/^application\/json/), text: 'null' });
    expect(JSON.parse(res.text)).toBeNull();
    // a configured webhook is still the v2 row
    expect(JSON.parse((await raw(`/webhook/find/${NAME}`)).text)).toMatchObject({ instanceId, url: `${env.receiver.url}/ev` });
  });

  it('/settings/find answers the JSON document null when the instance has no settings row', async () => {
    await env.db.query('DELETE FROM "Setting" WHERE "instanceId" = (SELECT id FROM "Instance" WHERE name = $1)', ['bare']);
    const res = await raw('/settings/find/bare');
    expect(res).toEqual({ status: 200, type: expect.stringMatching(/^application\/json/), text: 'null' });
    expect(JSON.parse(res.text)).toBeNull();
  });

  /** Published events (the outbox, in per-instance sequence order) mentioning a JID. */
  const outbox = (event: string, jid: string) =>
    env.db
      .query<{ sequence: string; body: string }>(
        `SELECT sequence::text, body FROM "WebhookDelivery" WHERE "instanceId" = $1 AND event = $2 AND body LIKE $3 ORDER BY sequence`,
        [instanceId, event, `%${jid}%`],
      )
      .then((rows) => rows.map((r) => ({ sequence: Number(r.sequence), data: JSON.parse(r.body).data })));
  const at = (suffix: string, pred: (w: ReceivedWebhook) => boolean) =>
    env.receiver.waitFor((w) => w.path === `/ev/${suffix}` && pred(w), 20_000, `/ev/${suffix}`);
  const mentions = (jid: string) => (w: ReceivedWebhook) => JSON.stringify(w.body.data).includes(jid);

  it("a new contact's first message: CHATS_UPSERT before any CHATS_UPDATE, then CONTACTS_UPSERT; the second brings updates only", async () => {
    const nina = env.fake.createAccount({ pushName: 'Nina' });
    const first = await env.fake.sendMessage(me.jid, nina.phone, { conversation: 'first contact' });
    const upsert = await at('contacts-upsert', mentions(nina.jid));
    // Evolution's message path sends one object, not a list (remoteJidAlt: our other-addressing extra)
    expect(upsert.body.data).toEqual({ remoteJid: nina.jid, remoteJidAlt: nina.lid, pushName: 'Nina', profilePicUrl: null, instanceId });
    const chat = await at('chats-upsert', mentions(nina.jid));
    // v2 upsert shape; the name is the push name when the message introduced the chat, null when Baileys' chat update did
    expect(chat.body.data).toEqual([{ remoteJid: nina.jid, instanceId, name: chat.body.data[0].name, unreadMessages: 1 }]);
    expect(['Nina', null]).toContain(chat.body.data[0].name);
    const msg1 = await at('messages-upsert', (w) => w.body.data.key.id === first.id);
    expect(chat.body.sequence).toBeLessThan(msg1.body.sequence);
    expect(upsert.body.sequence).toBeGreaterThan(msg1.body.sequence);

    const second = await env.fake.sendMessage(me.jid, nina.phone, { conversation: 'second' });
    const msg2 = await at('messages-upsert', (w) => w.body.data.key.id === second.id);
    // Baileys' contact update follows each message (its chat update may come before or after, as Baileys
    // flushes): once it is here, everything published before it is in the outbox
    await at('contacts-update', (w) => mentions(nina.jid)(w) && w.body.sequence > msg2.body.sequence);
    await at('chats-update', mentions(nina.jid));

    const contactUpserts = await outbox('CONTACTS_UPSERT', nina.jid);
    expect(contactUpserts).toHaveLength(1);
    const chatUpserts = await outbox('CHATS_UPSERT', nina.jid);
    expect(chatUpserts).toHaveLength(1);
    const chatUpdates = await outbox('CHATS_UPDATE', nina.jid);
    expect(chatUpdates.length).toBeGreaterThan(0);
    expect(chatUpserts[0].sequence).toBeLessThan(chatUpdates[0].sequence);
    expect((await outbox('CONTACTS_UPDATE', nina.jid)).length).toBeGreaterThan(0);
  });

  it('after a restart, contacts and chats already in the store are not upserted again; a new one is', async () => {
    const known = env.receiver.received.find((w) => w.path === '/ev/contacts-upsert')!.body.data.remoteJid as string;
    const nina = { phone: known.split('@')[0], jid: known };
    await gateway.stop('SIGTERM');
    const restartedAt = Date.now();
    gateway = await env.startGateway();
    await env.receiver.waitFor((w) => w.path === '/ev/connection-update' && w.body.data.state === 'open' && w.receivedAt >= restartedAt);

    const again = await env.fake.sendMessage(me.jid, nina.phone, { conversation: 'after restart' });
    const msg = await at('messages-upsert', (w) => w.body.data.key.id === again.id);
    const omar = env.fake.createAccount({ pushName: 'Omar' });
    await env.fake.sendMessage(me.jid, omar.phone, { conversation: 'new after restart' });
    const omarUpsert = await at('contacts-upsert', mentions(omar.jid));
    expect(omarUpsert.body.sequence).toBeGreaterThan(msg.body.sequence);
    await at('chats-upsert', mentions(omar.jid));

    expect(await outbox('CONTACTS_UPSERT', nina.jid)).toHaveLength(1);
    expect(await outbox('CHATS_UPSERT', nina.jid)).toHaveLength(1);
  });
});
