import type { BaileysEventMap, WASocket } from '@whiskeysockets/baileys';
import { linkNewDevice, nextBaileysEvent, nextUpsertedMessage } from './client/baileys-events.kit';
import { createBaileysTestSocket } from './client/baileys-test-socket.kit';
import { FakeWhatsAppServer } from './fake-whatsapp.server';
import type { PairedAccount } from './fake-whatsapp.types';
import { createMemoryAuthState } from './client/memory-auth-state.factory';

/**
 * Peers (the fake's phones) cause what a real phone would towards a logged-in, unmodified
 * Baileys v7 client, and the fake reads what the client sends; every assertion awaits the
 * client's or the server's events.
 */
describe('FakeWhatsAppServer 1:1 messaging with a real Baileys client', () => {
  let server: FakeWhatsAppServer;
  let sock: WASocket;
  let me: PairedAccount;
  const alice = '5511911110001';
  const aliceJid = `${alice}@s.whatsapp.net`;
  let aliceLid: string;
  let initialHistory: Promise<BaileysEventMap['messaging-history.set']>;
  const sockets: WASocket[] = [];

  beforeAll(async () => {
    // libsignal logs session rotations with console.info/warn; expected here
    jest.spyOn(console, 'info').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    server = await FakeWhatsAppServer.start();
    aliceLid = server.createAccount({ phone: alice, pushName: 'Alice' }).lid;
    const linked = await linkNewDevice(server, {
      scan: { pushName: 'Me' },
      onSocket: (s) => {
        initialHistory = nextBaileysEvent(s, 'messaging-history.set');
      },
    });
    ({ sock, paired: me } = linked);
    sockets.push(sock);
  });

  afterAll(async () => {
    for (const s of sockets) s.end(undefined);
    await server.close();
    jest.restoreAllMocks();
  });

  it('syncs a new device like a phone: app-state key share + INITIAL_BOOTSTRAP history', async () => {
    const history = await initialHistory;
    expect(history.syncType).toBe(0); // INITIAL_BOOTSTRAP
    expect(history.chats).toEqual([]);
    if (!sock.authState.creds.myAppStateKeyId) await nextBaileysEvent(sock, 'creds.update', (u) => !!u.myAppStateKeyId);
    expect(sock.authState.creds.myAppStateKeyId).toBeTruthy();
  });

  it('delivers a Signal pkmsg promptly after the first login', async () => {
    const started = Date.now();
    const id = 'PKMSG00000001';
    const upsert = nextUpsertedMessage(sock, id);
    const delivered = server.waitFor('message-delivered', (d) => d.key.id === id);
    const key = await server.sendMessage(me.jid, alice, { conversation: 'hi' }, { id });
    const { message, type } = await upsert;
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(type).toBe('notify');
    expect(message.message?.conversation).toBe('hi');
    expect(message.key).toMatchObject({ remoteJid: aliceJid, remoteJidAlt: aliceLid, fromMe: false, id, addressingMode: 'pn' });
    expect(message.pushName).toBe('Alice');
    expect(key).toEqual({ remoteJid: aliceJid, id, fromMe: false });
    expect((await delivered).devices).toEqual([expect.objectContaining({ deviceJid: me.deviceJid, encTypes: ['pkmsg'] })]);
  });

  it('records the client receipt for a delivered message', async () => {
    const receipt = server.waitFor('client-receipt', (r) => r.ids.includes('RCPT00000001'));
    await server.sendMessage(me.jid, alice, { conversation: 'receipt please' }, { id: 'RCPT00000001' });
    expect(await receipt).toMatchObject({ deviceJid: me.deviceJid, to: aliceJid, type: 'inactive' });
    const read = server.waitFor('client-receipt', (r) => r.type === 'read' && r.ids.includes('RCPT00000001'));
    await sock.readMessages([{ remoteJid: aliceJid, id: 'RCPT00000001', fromMe: false }]);
    await read;
    expect(server.receiptsFromClient.filter((r) => r.ids.includes('RCPT00000001')).map((r) => r.type)).toEqual(['inactive', 'read']);
  });

  it('delivers <plaintext> messages', async () => {
    const upsert = nextUpsertedMessage(sock, 'PLAIN0000001');
    await server.sendMessage(me.jid, alice, { extendedTextMessage: { text: 'plain hi' } }, { id: 'PLAIN0000001', encryption: 'plaintext' });
    expect((await upsert).message.message?.extendedTextMessage?.text).toBe('plain hi');
  });

  it('sends from the LID with sender_pn, so Baileys fills remoteJidAlt', async () => {
    const upsert = nextUpsertedMessage(sock, 'LIDMSG000001');
    const key = await server.sendMessage(me.jid, alice, { conversation: 'via lid' }, { id: 'LIDMSG000001', addressing: 'lid' });
    const { message } = await upsert;
    expect(key.remoteJid).toBe(aliceLid);
    expect(message.message?.conversation).toBe('via lid');
    expect(message.key).toMatchObject({ remoteJid: aliceLid, remoteJidAlt: aliceJid, addressingMode: 'lid' });
  });

  it('decrypts what the client sends, and receipts move its status to 3/4/5', async () => {
    const received = server.waitFor('client-message', (m) => m.to === aliceJid);
    // Baileys buffers its own 'append' upsert for ~100 ms and would fold an earlier receipt into it
    const appended = nextBaileysEvent(sock, 'messages.upsert', (u) => u.messages.some((m) => m.key.fromMe && m.message?.extendedTextMessage?.text === 'hello alice'));
    const sent = await sock.sendMessage(aliceJid, { text: 'hello alice' });
    const record = await received;
    await appended;
    const message = record.message as { conversation?: string; extendedTextMessage?: { text?: string } };
    expect(message.conversation ?? message.extendedTextMessage?.text).toBe('hello alice');
    expect(record).toMatchObject({ id: sent?.key.id, from: me.deviceJid, accountJid: me.jid, type: 'text' });
    // the copy for the account's own phone (deviceSentMessage) is decrypted too
    expect(record.recipients).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ jid: aliceJid, decrypted: true }),
        expect.objectContaining({ jid: me.jid, decrypted: true }),
      ]),
    );
    expect(server.messagesFromClient.map((m) => m.id)).toContain(sent?.key.id);

    for (const [type, status] of [['delivery', 3], ['read', 4], ['played', 5]] as const) {
      const update = nextBaileysEvent(sock, 'messages.update', (us) => us.some((u) => u.key.id === sent?.key.id && u.update.status === status));
      server.sendReceipt({ remoteJid: aliceJid, id: sent?.key.id ?? '' }, alice, type);
      const [hit] = (await update).filter((u) => u.key.id === sent?.key.id);
      expect(hit.key).toMatchObject({ remoteJid: aliceJid, fromMe: true });
    }
  });

  it("continues the session with 'msg' once the client has answered", async () => {
    const upsert = nextUpsertedMessage(sock, 'MSGTYPE00001');
    const delivered = server.waitFor('message-delivered', (d) => d.key.id === 'MSGTYPE00001');
    await server.sendMessage(me.jid, alice, { conversation: 'second session message' }, { id: 'MSGTYPE00001', encryption: 'msg' });
    expect((await upsert).message.message?.conversation).toBe('second session message');
    expect((await delivered).devices[0].encTypes).toEqual(['msg']);
  });

  it('turns edits and revokes into messages.update', async () => {
    const original = nextUpsertedMessage(sock, 'EDITME000001');
    await server.sendMessage(me.jid, alice, { conversation: 'typo' }, { id: 'EDITME000001' });
    await original;
    const edited = nextBaileysEvent(sock, 'messages.update', (us) => us.some((u) => u.key.id === 'EDITME000001' && !!u.update.message));
    await server.sendMessage(me.jid, alice, {
      protocolMessage: { type: 14, key: { remoteJid: me.jid, fromMe: true, id: 'EDITME000001' }, editedMessage: { conversation: 'fixed' } },
    });
    const [edit] = (await edited).filter((u) => u.key.id === 'EDITME000001');
    expect(edit.update.message?.editedMessage?.message?.conversation).toBe('fixed');

    const revoked = nextBaileysEvent(sock, 'messages.update', (us) => us.some((u) => u.key.id === 'EDITME000001' && u.update.messageStubType === 1));
    await server.sendMessage(me.jid, alice, { protocolMessage: { type: 0, key: { remoteJid: me.jid, fromMe: true, id: 'EDITME000001' } } });
    const [revoke] = (await revoked).filter((u) => u.key.id === 'EDITME000001');
    expect(revoke.update.message).toBeNull();
    expect(revoke.key.remoteJid).toBe(aliceJid);
  });

  it('delivers reactions, media without media download, and polls', async () => {
    const own = await sock.sendMessage(aliceJid, { text: 'react to me' });
    const reaction = nextBaileysEvent(sock, 'messages.reaction', (rs) => rs.some((r) => r.key.id === own?.key.id));
    await server.sendMessage(me.jid, alice, { reactionMessage: { key: { remoteJid: me.jid, fromMe: false, id: own?.key.id }, text: '👍' } });
    const [hit] = (await reaction).filter((r) => r.key.id === own?.key.id);
    expect(hit.reaction.text).toBe('👍');
    expect(hit.key.fromMe).toBe(true);

    const image = nextUpsertedMessage(sock, 'IMAGE0000001');
    await server.sendMessage(me.jid, alice, { imageMessage: { caption: 'a picture', mimetype: 'image/jpeg' } }, { id: 'IMAGE0000001' });
    expect((await image).message.message?.imageMessage?.caption).toBe('a picture');

    const poll = nextUpsertedMessage(sock, 'POLL00000001');
    const options = [{ optionName: 'yes' }, { optionName: 'no' }];
    await server.sendMessage(me.jid, alice, { pollCreationMessageV3: { name: 'Lunch?', options, selectableOptionsCount: 1 } }, { id: 'POLL00000001' });
    expect((await poll).message.message?.pollCreationMessageV3?.name).toBe('Lunch?');
  });

  it('sends presence and chat states as presence.update', async () => {
    const online = nextBaileysEvent(sock, 'presence.update', (p) => p.id === aliceJid && p.presences[aliceJid]?.lastKnownPresence === 'available');
    expect(server.sendPresence(me.jid, alice, 'available')).toEqual([me.deviceJid]);
    await online;
    const offline = nextBaileysEvent(sock, 'presence.update', (p) => p.presences[aliceJid]?.lastKnownPresence === 'unavailable');
    server.sendPresence(me.jid, alice, 'unavailable', 1_700_000_000);
    expect((await offline).presences[aliceJid].lastSeen).toBe(1_700_000_000);

    for (const state of ['composing', 'recording', 'paused'] as const) {
      const expected = state === 'paused' ? 'available' : state; // Baileys reports paused as available
      const update = nextBaileysEvent(sock, 'presence.update', (p) => p.presences[aliceJid]?.lastKnownPresence === expected);
      server.sendChatState(me.jid, alice, state);
      await update;
    }
  });

  it('rings with a call offer and ends it', async () => {
    const offer = nextBaileysEvent(sock, 'call', (calls) => calls.some((c) => c.status === 'offer'));
    const { id } = server.sendCall(me.jid, alice, { isVideo: true });
    const [call] = await offer;
    expect(call).toMatchObject({ id, from: aliceJid, chatId: aliceJid, isVideo: true, isGroup: false, status: 'offer' });
    const ended = nextBaileysEvent(sock, 'call', (calls) => calls.some((c) => c.id === id && c.status === 'terminate'));
    server.sendCall(me.jid, alice, { id, status: 'terminate' });
    await ended;
    const missed = nextBaileysEvent(sock, 'call', (calls) => calls.some((c) => c.status === 'timeout'));
    server.sendCall(me.jid, alice, { status: 'timeout' });
    await missed;
  });

  it('pushes history: chats, messages and contacts → messaging-history.set', async () => {
    const bob = '5511911110002@s.whatsapp.net';
    const withChats = nextBaileysEvent(sock, 'messaging-history.set', (h) => h.chats.some((c) => c.id === bob));
    const withContacts = nextBaileysEvent(sock, 'messaging-history.set', (h) => h.contacts.some((c) => c.id === bob && c.notify === 'Bobby'));
    const result = await server.sendHistorySync(me.jid, {
      chats: [{ id: bob, name: 'Bob', unreadCount: 2, conversationTimestamp: 1_700_000_100 }],
      messages: [
        { key: { remoteJid: bob, fromMe: false, id: 'HIST00000001' }, message: { conversation: 'old news' }, messageTimestamp: 1_700_000_100 },
        { key: { remoteJid: aliceJid, fromMe: true, id: 'HIST00000002' }, message: { conversation: 'older' }, messageTimestamp: 1_700_000_000 },
      ],
      contacts: [{ id: bob, notify: 'Bobby' }],
    });
    expect(result.messageIds).toHaveLength(2);
    const history = await withChats;
    expect(history.syncType).toBe(3); // RECENT
    expect(history.chats).toEqual(expect.arrayContaining([expect.objectContaining({ id: bob, name: 'Bob', unreadCount: 2 })]));
    expect(history.messages.map((m) => [m.key.id, m.message?.conversation])).toEqual(
      expect.arrayContaining([['HIST00000001', 'old news'], ['HIST00000002', 'older']]),
    );
    expect(history.contacts).toEqual(expect.arrayContaining([expect.objectContaining({ id: bob, name: 'Bob' })]));
    await withContacts;
  });

  it('keeps a blocklist for the blocklist IQs', async () => {
    await sock.updateBlockStatus(aliceJid, 'block');
    expect(await sock.fetchBlocklist()).toEqual([aliceJid]);
    await sock.updateBlockStatus(aliceJid, 'unblock');
    expect(await sock.fetchBlocklist()).toEqual([]);
  });

  it("mirrors messages typed on the account's own phone to the client (fromMe)", async () => {
    const upsert = nextUpsertedMessage(sock, 'FROMPHONE001');
    const key = await server.sendMessage(aliceJid, me.jid, { conversation: 'sent from my phone' }, { id: 'FROMPHONE001' });
    const { message } = await upsert;
    expect(key.remoteJid).toBe(me.jid); // the key as Alice's devices see it
    expect(message.key).toMatchObject({ remoteJid: aliceJid, remoteJidAlt: aliceLid, fromMe: true });
    expect(message.message?.conversation).toBe('sent from my phone');
  });

  it('queues messages for an offline device and delivers them at its next login', async () => {
    const other = await linkNewDevice(server);
    const gone = server.waitFor('disconnect', (d) => d.deviceJid === other.paired.deviceJid);
    other.sock.end(undefined);
    await gone;
    const delivered = server.waitFor('message-delivered', (d) => d.key.id === 'OFFLINE00001');
    await server.sendMessage(other.paired.jid, alice, { conversation: 'while you were away' }, { id: 'OFFLINE00001' });
    expect(await delivered).toMatchObject({ devices: [], queued: [other.paired.deviceJid] });

    const back = await createBaileysTestSocket(server.url, other.auth);
    sockets.push(back.sock);
    const { message, type } = await nextUpsertedMessage(back.sock, 'OFFLINE00001');
    expect(type).toBe('append'); // Baileys' type for offline messages
    expect(message.message?.conversation).toBe('while you were away');
  });

  it('resends as a new session when the client lost it (retry receipt)', async () => {
    const other = await linkNewDevice(server);
    const snapshot = other.auth.serialize();
    const first = nextUpsertedMessage(other.sock, 'RETRY0000001');
    await server.sendMessage(other.paired.jid, alice, { conversation: 'one' }, { id: 'RETRY0000001' });
    await first;
    const answered = server.waitFor('client-message', (m) => m.from === other.paired.deviceJid);
    await other.sock.sendMessage(aliceJid, { text: 'reply' });
    await answered;
    other.sock.end(undefined);

    // the same device, restored from creds saved before that session existed
    const restored = await createBaileysTestSocket(server.url, await createMemoryAuthState(snapshot));
    sockets.push(restored.sock);
    await restored.watcher.opened();
    const retry = server.waitFor('client-receipt', (r) => r.type === 'retry' && r.ids.includes('RETRY0000002'));
    const recovered = nextBaileysEvent(restored.sock, 'messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === 'two'));
    await server.sendMessage(other.paired.jid, alice, { conversation: 'two' }, { id: 'RETRY0000002', encryption: 'msg' });
    await retry;
    await recovered;
  });
});
