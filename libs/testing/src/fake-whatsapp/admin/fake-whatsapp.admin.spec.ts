import type { WASocket } from '@whiskeysockets/baileys';
import { linkNewDevice, nextBaileysEvent, nextUpsertedMessage } from '../client/baileys-events.kit';
import { createBaileysTestSocket } from '../client/baileys-test-socket.kit';
import { FakeWhatsAppAdminClient, FakeWhatsAppAdminError } from './fake-whatsapp.client';
import { FakeWhatsAppServer } from '../fake-whatsapp.server';
import { createMemoryAuthState } from '../client/memory-auth-state.factory';

/** The HTTP admin API (same port as the WebSocket) through the typed client. */
describe('fake WhatsApp admin API', () => {
  let server: FakeWhatsAppServer;
  let admin: FakeWhatsAppAdminClient;
  const sockets: WASocket[] = [];

  beforeAll(async () => {
    server = await FakeWhatsAppServer.start();
    admin = new FakeWhatsAppAdminClient(server.adminUrl);
  });

  afterEach(() => {
    for (const sock of sockets.splice(0)) sock.end(undefined);
  });

  afterAll(async () => {
    await server.close();
  });

  it('pairs, reports state, streams events and kicks over HTTP', async () => {
    expect(await admin.health()).toEqual({ ok: true, url: server.url });
    const cursor = await admin.cursor();

    const auth = await createMemoryAuthState();
    const first = await createBaileysTestSocket(server.url, auth);
    sockets.push(first.sock);
    const qr = await first.watcher.qr();
    const registration = await admin.waitFor('registration', () => true, { after: cursor });
    expect((await admin.state()).registrations).toEqual([expect.objectContaining({ id: registration.id, refsCount: 6 })]);

    const restart = first.watcher.closed();
    const paired = await admin.scan(qr, { pushName: 'Alice' });
    expect(await restart).toBe(515);

    const second = await createBaileysTestSocket(server.url, auth);
    sockets.push(second.sock);
    await second.watcher.opened();
    const login = await admin.waitFor('login', (e) => e.deviceJid === paired.deviceJid, { after: cursor });
    expect(login.jid).toBe(paired.jid);

    const state = await admin.state();
    expect(state.url).toBe(server.url);
    expect(state.connections).toContainEqual(expect.objectContaining({ phase: 'logged-in', deviceJid: paired.deviceJid }));
    expect(state.accounts).toContainEqual(expect.objectContaining({ jid: paired.jid, lid: paired.lid, pushName: 'Alice' }));

    const closed = second.watcher.closed();
    expect(await admin.kick(paired.jid, 'connectionReplaced')).toHaveLength(1);
    expect(await closed).toBe(440);
    const kicked = await admin.kick(paired.phone, 503);
    expect(kicked).toEqual([]);
  });

  it('creates accounts and reports errors as JSON', async () => {
    const account = await admin.createAccount({ phone: '5511955554444', pushName: 'Bob' });
    expect(account).toMatchObject({ phone: '5511955554444', jid: '5511955554444@s.whatsapp.net', devices: [] });
    await expect(admin.createAccount({ phone: '5511955554444' })).rejects.toThrow(/already exists/);
    await expect(admin.scan('not a qr')).rejects.toBeInstanceOf(FakeWhatsAppAdminError);
    await expect(admin.kick('all', 'noSuchReason' as never)).rejects.toThrow(/unknown disconnect reason/);
    const response = await fetch(`${server.adminUrl}/admin/nope`);
    expect(response.status).toBe(404);
  });

  it('drives messaging, presence, groups, history, calls and receipts over HTTP', async () => {
    jest.spyOn(console, 'info').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { sock, paired } = await linkNewDevice(server);
    sockets.push(sock);
    const dora = '5511977770001';
    const doraJid = `${dora}@s.whatsapp.net`;
    await admin.createAccount({ phone: dora, pushName: 'Dora' });

    const upsert = nextUpsertedMessage(sock, 'ADMINMSG0001');
    expect(await admin.sendMessage(paired.jid, dora, { conversation: 'over http' }, { id: 'ADMINMSG0001' })).toEqual({
      remoteJid: doraJid,
      id: 'ADMINMSG0001',
      fromMe: false,
    });
    expect((await upsert).message.message?.conversation).toBe('over http');

    const presence = nextBaileysEvent(sock, 'presence.update', (p) => p.presences[doraJid]?.lastKnownPresence === 'composing');
    expect(await admin.sendPresence(paired.jid, dora, 'available')).toEqual([paired.deviceJid]);
    await admin.sendChatState(paired.jid, dora, 'composing');
    await presence;

    const groupUpsert = nextBaileysEvent(sock, 'groups.upsert');
    const group = await admin.createGroup(dora, 'HTTP group', [paired.jid]);
    expect((await groupUpsert)[0].id).toBe(group.id);
    const renamed = nextBaileysEvent(sock, 'groups.update', (us) => us.some((u) => u.subject === 'Renamed'));
    expect((await admin.groupNotification(group.id, dora, 'subject', [], 'Renamed')).subject).toBe('Renamed');
    await renamed;
    expect((await admin.groups()).map((g) => g.id)).toContain(group.id);

    const history = nextBaileysEvent(sock, 'messaging-history.set', (h) => h.chats.some((c) => c.id === doraJid));
    await admin.sendHistorySync(paired.jid, { chats: [{ id: doraJid, name: 'Dora' }] });
    await history;

    const call = nextBaileysEvent(sock, 'call');
    const { id: callId } = await admin.sendCall(paired.jid, dora);
    expect((await call)[0].id).toBe(callId);

    const sentText = nextBaileysEvent(sock, 'messages.upsert', (u) => u.messages.some((m) => m.key.fromMe && m.key.remoteJid === doraJid));
    const sent = await sock.sendMessage(doraJid, { text: 'to dora' });
    await sentText;
    await admin.waitFor('client-message', (m) => m.id === sent?.key.id);
    const [record] = await admin.clientMessages({ id: sent?.key.id ?? '' });
    expect(record).toMatchObject({ to: doraJid, accountJid: paired.jid, message: { extendedTextMessage: { text: 'to dora' } } });
    const read = nextBaileysEvent(sock, 'messages.update', (us) => us.some((u) => u.key.id === sent?.key.id && u.update.status === 4));
    expect(await admin.sendReceipt({ remoteJid: doraJid, id: sent?.key.id ?? '' }, dora, 'read')).toEqual([paired.deviceJid]);
    await read;
    expect((await admin.clientReceipts({ id: 'ADMINMSG0001' })).map((r) => r.type)).toContain('inactive');
    await expect(admin.sendMessage('5511000000000', dora, { conversation: 'x' })).rejects.toThrow(/unknown account/);
    jest.restoreAllMocks();
  });
});
