import type { GatewayProcess, ReceivedWebhook } from '@gw/testing';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';

/**
 * Every WhatsApp-side event, caused by the fake WhatsApp server (real Baileys inside the real
 * gateway), arrives at the instance webhook on its by-events URL in Evolution's v2 shape,
 * and at the global webhook (by-events off) on its base URL.
 */
describe('event catalogue end to end (e2e)', () => {
  const env = new E2eEnvironment();
  let gateway: GatewayProcess;
  let me: { jid: string; lid: string };
  let alice: { jid: string; lid: string; phone: string };
  let bob: { jid: string; lid: string; phone: string };
  let instanceId: string;
  const NAME = 'catalogue';

  beforeAll(async () => {
    await env.start();
    gateway = await env.startGateway({
      WEBHOOK_GLOBAL_ENABLED: 'true',
      WEBHOOK_GLOBAL_URL: `${env.receiver.url}/global`,
      WEBHOOK_EVENTS_MESSAGES_UPSERT: 'true',
      WEBHOOK_EVENTS_GROUP_UPDATE: 'true', // the legacy spelling still switches groups.update on
      WEBHOOK_EVENTS_CALL: 'false',
      WEBHOOK_BASE64_MAX_BYTES: '100000',
    });
    const res = await gateway.api('POST', '/instance/create', {
      apikey: API_KEY,
      body: { instanceName: NAME, webhook: { url: `${env.receiver.url}/ev`, byEvents: true, events: [] } },
    });
    instanceId = res.body.instance.instanceId;
    const qr = await env.receiver.waitFor((w) => w.path === '/ev/qrcode-updated');
    me = await env.fake.scan(qr.body.data.qrcode.code, { pushName: 'Gateway' });
    await env.receiver.waitFor((w) => w.path === '/ev/connection-update' && w.body.data.state === 'open');
    alice = { ...env.fake.createAccount({ pushName: 'Alice' }) } as typeof alice;
    bob = { ...env.fake.createAccount({ pushName: 'Bob' }) } as typeof bob;
  });

  afterAll(() => env.stop());

  /** Next webhook at /ev/<suffix> matching the predicate. */
  const at = (suffix: string, pred: (w: ReceivedWebhook) => boolean = () => true) =>
    env.receiver.waitFor((w) => w.path === `/ev/${suffix}` && pred(w), 20_000, `/ev/${suffix}`);

  it('MESSAGES_UPSERT: a text from a contact, in the v2 record shape; also at the global base URL', async () => {
    const key = await env.fake.sendMessage(me.jid, alice.phone, { conversation: 'hello gateway' });
    const w = await at('messages-upsert', (x) => x.body.data.key.id === key.id);
    expect(w.body).toMatchObject({ event: 'messages.upsert', instance: NAME, sender: me.jid, sequence: expect.any(Number) });
    expect(w.body.data).toMatchObject({
      key: { remoteJid: alice.jid, fromMe: false, id: key.id },
      pushName: 'Alice',
      status: 'DELIVERY_ACK',
      message: { conversation: 'hello gateway' },
      messageType: 'conversation',
      messageTimestamp: expect.any(Number),
      instanceId,
      source: expect.any(String),
    });
    const global = await env.receiver.waitFor((x) => x.path === '/global' && x.body?.data?.key?.id === key.id);
    expect(global.body.event).toBe('messages.upsert');
    expect(global.headers['webhook-id']).not.toBe(w.headers['webhook-id']);

    // Alice's first message introduces her chat and her (first sight: upserts) and teaches her name
    const chat = await at('chats-upsert', (x) => x.body.data.some((c: { remoteJid: string }) => c.remoteJid === alice.jid));
    expect(chat.body.data.find((c: { remoteJid: string }) => c.remoteJid === alice.jid)).toMatchObject({ instanceId });
    const introduced = await at('contacts-upsert', (x) => x.body.data.remoteJid === alice.jid);
    expect(introduced.body.data).toMatchObject({ pushName: 'Alice', instanceId });
    const contact = await at('contacts-update', (x) => x.body.data.some((c: { pushName: string }) => c.pushName === 'Alice'));
    expect(contact.body.data[0]).toMatchObject({ remoteJid: expect.stringMatching(/@(s\.whatsapp\.net|lid)$/), pushName: 'Alice', instanceId });
  });

  it('LID-addressed messages carry the phone-number JID', async () => {
    const key = await env.fake.sendMessage(me.jid, alice.phone, { conversation: 'via lid' }, { addressing: 'lid' });
    const w = await at('messages-upsert', (x) => x.body.data.key.id === key.id);
    expect(w.body.data.key.remoteJid).toMatch(/@lid$/);
    expect(w.body.data.key.remoteJidAlt).toBe(alice.jid);
    expect(w.body.data.senderPn).toBe(alice.jid);
  });

  it('MESSAGES_EDITED and MESSAGES_UPDATE for an edit; MESSAGES_DELETE for a revoke', async () => {
    const original = await env.fake.sendMessage(me.jid, alice.phone, { conversation: 'typo' });
    await at('messages-upsert', (x) => x.body.data.key.id === original.id);
    await env.fake.sendMessage(me.jid, alice.phone, {
      protocolMessage: { type: 14, key: { remoteJid: me.jid, fromMe: true, id: original.id }, editedMessage: { conversation: 'fixed' } },
    });
    const edited = await at('messages-edited');
    expect(edited.body.data).toMatchObject({ type: 'MESSAGE_EDIT', editedMessage: { conversation: 'fixed' } });
    const update = await at('messages-update', (x) => x.body.data.keyId === original.id && !!x.body.data.message);
    expect(update.body.data).toMatchObject({ remoteJid: alice.jid, message: { conversation: 'fixed' }, instanceId });

    await env.fake.sendMessage(me.jid, alice.phone, { protocolMessage: { type: 0, key: { remoteJid: me.jid, fromMe: true, id: original.id } } });
    const deleted = await at('messages-delete', (x) => x.body.data.id === original.id);
    expect(deleted.body.data).toMatchObject({ remoteJid: alice.jid, id: original.id });
  });

  it('MESSAGES_UPDATE for a receipt of a message the gateway never stored', async () => {
    env.fake.sendReceipt({ remoteJid: alice.jid, id: '3EB0NEVERSEEN00000001' }, alice.phone, 'read', { to: me.jid });
    const w = await at('messages-update', (x) => x.body.data.keyId === '3EB0NEVERSEEN00000001');
    expect(w.body.data).toMatchObject({ remoteJid: alice.jid, fromMe: true, status: 'READ', instanceId });
    expect(w.body.data.messageId).toBeUndefined();
  });

  it('PRESENCE_UPDATE for availability and typing', async () => {
    env.fake.sendChatState(me.jid, alice.phone, 'composing');
    const typing = await at('presence-update', (x) => JSON.stringify(x.body.data).includes('composing'));
    expect(typing.body.data.id).toBe(alice.jid);
    expect(Object.values(typing.body.data.presences)).toEqual([expect.objectContaining({ lastKnownPresence: 'composing' })]);
  });

  it('GROUPS_UPSERT, CHATS_UPSERT, GROUP_PARTICIPANTS_UPDATE and GROUPS_UPDATE (also sent globally via GROUP_UPDATE)', async () => {
    const group = env.fake.createGroup(alice.jid, 'Team', [me.jid, bob.jid]);
    const upsert = await at('groups-upsert', (x) => x.body.data[0]?.id === group.id);
    expect(upsert.body.data[0]).toMatchObject({ id: group.id, subject: 'Team' });
    await at('chats-upsert', (x) => x.body.data.some((c: { remoteJid: string }) => c.remoteJid === group.id));

    const carol = env.fake.createAccount({ pushName: 'Carol' });
    env.fake.groupNotification(group.id, alice.jid, 'add', [carol.jid]);
    const added = await at('group-participants-update', (x) => x.body.data.action === 'add');
    expect(added.body.data).toMatchObject({ id: group.id, action: 'add', participants: [carol.jid] });
    expect(added.body.data.participantsData[0]).toMatchObject({ phoneNumber: carol.jid });

    env.fake.groupNotification(group.id, alice.jid, 'promote', [bob.jid]);
    await at('group-participants-update', (x) => x.body.data.action === 'promote');

    env.fake.groupNotification(group.id, alice.jid, 'subject', [], 'Team 2');
    const updated = await at('groups-update', (x) => x.body.data[0]?.subject === 'Team 2');
    expect(updated.body.data[0]).toMatchObject({ id: group.id, subject: 'Team 2' });
    await env.receiver.waitFor((x) => x.path === '/global' && x.body?.event === 'groups.update');

    const msg = await env.fake.sendMessage(group.id, bob.phone, { conversation: 'hi team' }, { group: group.id });
    const w = await at('messages-upsert', (x) => x.body.data.key.id === msg.id);
    expect(w.body.data.key).toMatchObject({ remoteJid: group.id });
    expect(w.body.data.message).toEqual({ conversation: 'hi team' });
  });

  it('CALL for an incoming call offer (not sent globally: its switch is off)', async () => {
    const call = env.fake.sendCall(me.jid, alice.phone, { isVideo: true });
    const w = await at('call', (x) => x.body.data.id === call.id);
    expect(w.body.data).toMatchObject({ id: call.id, from: alice.jid, status: 'offer', isVideo: true, offline: false });
    // both targets are queued together, so the global one would be in Redis by now
    expect(await env.jobsFor(`${env.receiver.url}/global`).then((jobs) => jobs.filter((j) => j.name === 'CALL'))).toHaveLength(0);
  });

  it('history sync: CHATS_SET, CONTACTS_SET and MESSAGES_SET without messages already sent', async () => {
    const live = env.receiver.received.find((x) => x.path === '/ev/messages-upsert')!.body.data.key.id;
    await env.fake.sendHistorySync(me.jid, {
      syncType: 'RECENT',
      chats: [{ id: bob.jid, name: 'Bob', unreadCount: 3 }],
      contacts: [{ id: bob.jid, notify: 'Bob' }],
      messages: [
        { key: { remoteJid: alice.jid, fromMe: false, id: live }, message: { conversation: 'hello gateway' }, messageTimestamp: 1763700000 },
        { key: { remoteJid: bob.jid, fromMe: true, id: '3EB0HISTORY0000000001' }, message: { conversation: 'old one' }, messageTimestamp: 1763600000 },
      ],
    });
    const chats = await at('chats-set', (x) => x.body.data.some((c: { remoteJid: string }) => c.remoteJid === bob.jid));
    expect(chats.body.data).toContainEqual({ remoteJid: bob.jid, instanceId, name: 'Bob' });
    const contacts = await at('contacts-set', (x) => x.body.data.some((c: { remoteJid: string }) => c.remoteJid === bob.jid));
    expect(contacts.body.data.find((c: { remoteJid: string }) => c.remoteJid === bob.jid)).toMatchObject({ pushName: 'Bob', instanceId });
    const set = await at('messages-set', (x) => x.body.data.some((m: { key: { id: string } }) => m.key.id === '3EB0HISTORY0000000001'));
    expect(set.body.data.map((m: { key: { id: string } }) => m.key.id)).not.toContain(live);
  });

  it('base64: media is downloaded, decrypted and inlined when the webhook asks for it; oversized media gets a marker', async () => {
    await gateway.api('POST', '/webhook/set/catalogue', {
      apikey: API_KEY,
      body: { webhook: { url: `${env.receiver.url}/ev`, byEvents: true, base64: true, events: ['MESSAGES_UPSERT'] } },
    });
    const baileys = await import('@whiskeysockets/baileys');
    const media = createServer();
    const files = new Map<string, Buffer>();
    media.on('request', (req, res) => res.end(files.get(req.url ?? '') ?? ''));
    await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(media.address() as { port: number }).port}`;
    const image = async (path: string, bytes: Buffer) => {
      const enc = await baileys.encryptedStream(bytes, 'image');
      files.set(path, await readFile(enc.encFilePath));
      await rm(enc.encFilePath, { force: true });
      return {
        imageMessage: {
          url: `${base}${path}`,
          mimetype: 'image/jpeg',
          caption: 'photo',
          mediaKey: enc.mediaKey,
          fileEncSha256: enc.fileEncSha256,
          fileSha256: enc.fileSha256,
          fileLength: enc.fileLength,
        },
      };
    };
    try {
      const small = randomBytes(10_000);
      const k1 = await env.fake.sendMessage(me.jid, alice.phone, await image('/small', small));
      const w1 = await at('messages-upsert', (x) => x.body.data.key.id === k1.id);
      expect(w1.body.data.messageType).toBe('imageMessage');
      expect(Buffer.from(w1.body.data.message.base64, 'base64').equals(small)).toBe(true);

      const k2 = await env.fake.sendMessage(me.jid, alice.phone, await image('/big', randomBytes(150_000)));
      const w2 = await at('messages-upsert', (x) => x.body.data.key.id === k2.id);
      expect(w2.body.data.message.base64).toBeNull();
      expect(w2.body.data.message.base64Omitted).toMatchObject({ reason: 'too-large', size: 150_000 });
    } finally {
      media.close();
    }
  });

  it('sends each event to the base URL when byEvents is off', async () => {
    await gateway.api('POST', '/webhook/set/catalogue', {
      apikey: API_KEY,
      body: { webhook: { url: `${env.receiver.url}/flat`, byEvents: false, events: ['MESSAGES_UPSERT', 'PRESENCE_UPDATE'] } },
    });
    const key = await env.fake.sendMessage(me.jid, bob.phone, { conversation: 'flat' });
    const w = await env.receiver.waitFor((x) => x.path === '/flat' && x.body?.data?.key?.id === key.id);
    expect(w.body.event).toBe('messages.upsert');
    env.fake.sendChatState(me.jid, bob.phone, 'recording');
    const p = await env.receiver.waitFor((x) => x.path === '/flat' && x.body?.event === 'presence.update');
    expect(p.body.destination).toBe(`${env.receiver.url}/flat`);
  });
});
