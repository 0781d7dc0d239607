import type { BinaryNode } from '@whiskeysockets/baileys';
import type { GatewayProcess, ReceivedWebhook } from '@gw/testing';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';

/**
 * The /chat routes and /instance/setPresence end to end: real gateway with real Baileys,
 * the fake WhatsApp server recording what the client really sent (receipts, revokes,
 * edits, chat states, app-state patches, profile IQs), bodies exactly as the n8n node sends them.
 */
describe('chat routes (e2e)', () => {
  const env = new E2eEnvironment();
  const NAME = 'chatter';
  let gateway: GatewayProcess;
  let me: { jid: string; phone: string };
  let alice: { jid: string; phone: string };

  beforeAll(async () => {
    await env.start();
    gateway = await env.startGateway();
    ({ me } = await env.linkInstance(gateway, NAME));
    alice = env.fake.createAccount({ pushName: 'Alice' });
  });

  afterAll(() => env.stop());

  const call = (method: string, action: string, body?: unknown) => gateway.api(method, `/chat/${action}/${NAME}`, { apikey: API_KEY, body });
  const hook = (suffix: string, pred: (w: ReceivedWebhook) => boolean) =>
    env.receiver.waitFor((w) => w.path === `/hooks/${suffix}` && pred(w), 20_000, `/hooks/${suffix}`);
  const stanza = (pred: (n: BinaryNode) => boolean) => env.fake.waitFor('stanza', (s) => pred(s.node), 10_000).then((s) => s.node);
  const kids = (n: BinaryNode) => (Array.isArray(n.content) ? n.content : []);

  /** A message from Alice, as stored by the gateway (MESSAGES_UPSERT seen). */
  const fromAlice = async (text: string) => {
    const key = await env.fake.sendMessage(me.jid, alice.phone, { conversation: text });
    await hook('messages-upsert', (w) => w.body.data.key.id === key.id);
    return key;
  };

  /** One of our messages, as stored. */
  const sendText = async (text: string) => {
    const res = await gateway.api('POST', `/message/sendText/${NAME}`, { apikey: API_KEY, body: { number: alice.phone, text } });
    expect(res.status).toBe(201);
    return res.body.key as { remoteJid: string; fromMe: boolean; id: string };
  };

  it('whatsappNumbers: 200 with exists true/false per number', async () => {
    const res = await call('POST', 'whatsappNumbers', { numbers: [alice.phone, '5511977770000'] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { exists: true, jid: alice.jid, number: alice.phone },
      { exists: false, jid: '5511977770000@s.whatsapp.net', number: '5511977770000' },
    ]);
  });

  it('markMessageAsRead (v2 POST and v1 PUT): WhatsApp gets read receipts for those ids', async () => {
    const k1 = await fromAlice('read me');
    const receipt = env.fake.waitFor('client-receipt', (r) => r.type === 'read' && r.ids.includes(k1.id));
    const res = await call('POST', 'markMessageAsRead', { readMessages: [{ remoteJid: alice.jid, fromMe: false, id: k1.id }] });
    expect(res).toEqual({ status: 201, body: { message: 'Read messages', read: 'success' } });
    expect((await receipt).to).toBe(alice.jid);

    const k2 = await fromAlice('read me too (v1)');
    const v1 = env.fake.waitFor('client-receipt', (r) => r.type === 'read' && r.ids.includes(k2.id));
    const res1 = await call('PUT', 'markMessageAsRead', { read_messages: [{ remoteJid: alice.jid, fromMe: false, id: k2.id }] });
    expect(res1.status).toBe(201);
    await v1;
  });

  it('archiveChat and markChatUnread: app-state patches WhatsApp can decode; 404 without a known last message', async () => {
    const k = await fromAlice('archive this chat');
    const archived = env.fake.waitFor('client-app-state', (p) => p.index[0] === 'archive' && p.index[1] === alice.jid);
    const res = await call('POST', 'archiveChat', { lastMessage: { key: { remoteJid: alice.jid, fromMe: false, id: k.id } }, chat: alice.jid, archive: true });
    expect(res).toEqual({ status: 201, body: { chatId: alice.jid, archived: true } });
    expect((await archived).action.archiveChatAction).toMatchObject({ archived: true });

    // only `chat`: the last stored message of the chat anchors the patch
    const unread = env.fake.waitFor('client-app-state', (p) => p.index[0] === 'markChatAsRead' && p.index[1] === alice.jid);
    const res2 = await call('POST', 'markChatUnread', { chat: alice.jid });
    expect(res2).toEqual({ status: 201, body: { chatId: alice.jid, markedChatUnread: true } });
    expect((await unread).action.markChatAsReadAction).toMatchObject({ read: false });

    const none = await call('POST', 'markChatUnread', { chat: '5511955554444@s.whatsapp.net' });
    expect(none.status).toBe(404);
    expect(none.body.response.message).toEqual(['Last message not found']);
  });

  it('deleteMessageForEveryone (DELETE with a JSON body): the recipient gets a revoke; MESSAGES_DELETE follows', async () => {
    const key = await sendText('oops');
    const revoke = env.fake.waitFor('client-message', (m) => (m.message as any)?.protocolMessage?.key?.id === key.id); // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await call('DELETE', 'deleteMessageForEveryone', { id: key.id, fromMe: true, remoteJid: alice.jid });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ key: { remoteJid: alice.jid, fromMe: true }, message: { protocolMessage: { type: 'REVOKE', key: { id: key.id } } } });
    const sent = await revoke;
    expect(sent.edit).toBe('7');
    const deleted = await hook('messages-delete', (w) => w.body.data.id === key.id);
    expect(deleted.body.data).toMatchObject({ remoteJid: alice.jid, fromMe: true, id: key.id });
  });

  it('updateMessage: the recipient gets the edit; 404 unknown message, 400 other chat', async () => {
    const key = await sendText('helo');
    const edit = env.fake.waitFor('client-message', (m) => (m.message as any)?.protocolMessage?.key?.id === key.id); // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await call('POST', 'updateMessage', { number: alice.phone, key: { remoteJid: alice.jid, fromMe: true, id: key.id }, text: 'hello' });
    expect(res.status).toBe(200);
    const got = await edit;
    expect(got.edit).toBe('1');
    const edited = (got.message as any).protocolMessage.editedMessage; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(edited.conversation ?? edited.extendedTextMessage?.text).toBe('hello');

    const missing = await call('POST', 'updateMessage', { number: alice.phone, key: { remoteJid: alice.jid, fromMe: true, id: 'NOPE0000' }, text: 'x' });
    expect(missing.status).toBe(404);
    expect(missing.body.response.message).toEqual(['Message not found']);
    const bob = env.fake.createAccount({ pushName: 'Bob' });
    const other = await call('POST', 'updateMessage', { number: bob.phone, key: { remoteJid: alice.jid, fromMe: true, id: key.id }, text: 'x' });
    expect(other.status).toBe(400);
    expect(other.body.response.message).toEqual(['RemoteJid does not match']);
  });

  it('sendPresence: composing for `delay` ms, then paused; 400 for a number without WhatsApp', async () => {
    const composing = stanza((n) => n.tag === 'chatstate' && n.attrs.to === alice.jid && kids(n)[0]?.tag === 'composing');
    const paused = stanza((n) => n.tag === 'chatstate' && n.attrs.to === alice.jid && kids(n)[0]?.tag === 'paused');
    const started = Date.now();
    const res = await call('POST', 'sendPresence', { number: alice.phone, presence: 'composing', delay: 600 });
    expect(res).toEqual({ status: 201, body: { presence: 'composing' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    await Promise.all([composing, paused]);

    const missing = await call('POST', 'sendPresence', { number: '5511900009999', presence: 'recording', delay: 10 });
    expect(missing.status).toBe(400);
    expect(missing.body.response.message).toEqual([{ jid: '5511900009999@s.whatsapp.net', exists: false, number: '5511900009999' }]);
  });

  it('updateBlockStatus: the account blocklist on WhatsApp changes', async () => {
    const res = await call('POST', 'updateBlockStatus', { number: alice.phone, status: 'block' });
    expect(res).toEqual({ status: 201, body: { block: 'success' } });
    expect([...env.fake.getAccount(me.jid)!.blocklist]).toContain(alice.jid);
    await call('POST', 'updateBlockStatus', { number: alice.phone, status: 'unblock' });
    expect([...env.fake.getAccount(me.jid)!.blocklist]).not.toContain(alice.jid);
  });

  it('profile picture, profile, business profile: answered from what WhatsApp holds', async () => {
    const none = await call('POST', 'fetchProfilePictureUrl', { number: alice.phone });
    expect(none).toEqual({ status: 200, body: { wuid: alice.jid, profilePictureUrl: null } });

    const profile = env.fake.profileOf(alice.jid);
    profile.picture = Buffer.from('jpeg');
    profile.pictureId = 7;
    profile.about = 'Busy';
    profile.business = { description: 'Bakery', email: 'a@b.c', website: 'https://bakery.test', category: 'Food' };
    const pic = await call('POST', 'fetchProfilePictureUrl', { number: alice.phone });
    expect(pic.body.profilePictureUrl).toMatch(/\/7\.jpg$/);

    const full = await call('POST', 'fetchProfile', { number: alice.phone });
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({ wuid: alice.jid, numberExists: true, status: 'Busy', isBusiness: true, email: 'a@b.c', description: 'Bakery' });
    expect(full.body.picture).toMatch(/\/7\.jpg$/);

    const biz = await call('POST', 'fetchBusinessProfile', { number: alice.phone });
    expect(biz.body).toMatchObject({ isBusiness: true, wid: alice.jid, description: 'Bakery', category: 'Food', website: ['https://bakery.test'] });
  });

  it('privacy settings: fetch, update (v2 flat), fetch again', async () => {
    const before = await call('GET', 'fetchPrivacySettings');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ readreceipts: 'all', last: 'all' });
    const res = await call('POST', 'updatePrivacySettings', { readreceipts: 'none', last: 'contacts', online: 'match_last_seen' });
    expect(res.status).toBe(201);
    expect(env.fake.profileOf(me.jid).privacy).toMatchObject({ readreceipts: 'none', last: 'contacts', online: 'match_last_seen' });
    expect((await call('GET', 'fetchPrivacySettings')).body).toMatchObject({ readreceipts: 'none', last: 'contacts' });
    const bad = await call('POST', 'updatePrivacySettings', { last: 'everyone' });
    expect(bad.status).toBe(400);
    expect(bad.body.response.message[0]).toContain('last');
  });

  it('updateProfileName / Status / Picture and removeProfilePicture reach WhatsApp', async () => {
    const named = env.fake.waitFor('client-app-state', (p) => p.index[0] === 'setting_pushName');
    expect(await call('POST', 'updateProfileName', { name: 'Support' })).toEqual({ status: 200, body: { update: 'success' } });
    expect((await named).action.pushNameSetting).toEqual({ name: 'Support' });

    expect((await call('POST', 'updateProfileStatus', { status: 'At work' })).status).toBe(200);
    expect(env.fake.profileOf(me.jid).about).toBe('At work');

    // a 1x1 PNG; the engine turns it into a JPEG avatar
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    expect((await call('POST', 'updateProfilePicture', { picture: png })).status).toBe(200);
    const uploaded = env.fake.profileOf(me.jid).picture!;
    expect(uploaded.subarray(0, 3).toString('hex')).toBe('ffd8ff');
    expect((await call('DELETE', 'removeProfilePicture')).status).toBe(200);
    expect(env.fake.profileOf(me.jid).picture).toBeUndefined();
  });

  it('setPresence: available/unavailable reach WhatsApp as <presence>; bad values are a 400 naming the field', async () => {
    const online = stanza((n) => n.tag === 'presence' && n.attrs.type === 'available');
    const res = await gateway.api('POST', `/instance/setPresence/${NAME}`, { apikey: API_KEY, body: { presence: 'available' } });
    expect(res).toEqual({ status: 201, body: { presence: 'available' } });
    await online;
    const offline = stanza((n) => n.tag === 'presence' && n.attrs.type === 'unavailable');
    await gateway.api('POST', `/instance/setPresence/${NAME}`, { apikey: API_KEY, body: { presence: 'unavailable' } });
    await offline;
    const bad = await gateway.api('POST', `/instance/setPresence/${NAME}`, { apikey: API_KEY, body: { presence: 'away' } });
    expect(bad.status).toBe(400);
    expect(bad.body.response.message[0]).toContain('presence');
  });

  it('validation: fields are named; an instance that is not connected gets a 400 naming its state', async () => {
    const bad = await call('POST', 'whatsappNumbers', { numbers: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.response.message.join(' ')).toContain('numbers');
    const noKey = await call('POST', 'updateBlockStatus', { number: alice.phone, status: 'maybe' });
    expect(noKey.body.response.message.join(' ')).toContain('status');

    await gateway.api('POST', '/instance/create', { apikey: API_KEY, body: { instanceName: 'idle' } });
    const idle = await gateway.api('POST', '/chat/whatsappNumbers/idle', { apikey: API_KEY, body: { numbers: [alice.phone] } });
    expect(idle.status).toBe(400);
    expect(idle.body.response.message[0]).toMatch(/"idle" instance is not connected \(state: (connecting|close)\)/);
  });
});
