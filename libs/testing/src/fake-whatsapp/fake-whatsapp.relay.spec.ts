import type { WASocket } from '@whiskeysockets/baileys';
import { linkNewDevice, nextBaileysEvent, type LinkedDevice } from './client/baileys-events.kit';
import { FakeWhatsAppServer } from './fake-whatsapp.server';

/**
 * Two real Baileys clients (linked devices of two accounts) talking through the fake:
 * it serves their uploaded key bundles, relays the copies it cannot read itself, and
 * passes receipts back, like WhatsApp's servers.
 */
describe('FakeWhatsAppServer between two real Baileys clients', () => {
  let server: FakeWhatsAppServer;
  let a: LinkedDevice;
  let b: LinkedDevice;

  const textOf = (sock: WASocket, text: string) =>
    nextBaileysEvent(sock, 'messages.upsert', (u) =>
      u.messages.some((m) => !m.key.fromMe && (m.message?.conversation ?? m.message?.extendedTextMessage?.text) === text),
    ).then((u) => u.messages[0]);

  beforeAll(async () => {
    jest.spyOn(console, 'info').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    server = await FakeWhatsAppServer.start();
    a = await linkNewDevice(server, { scan: { pushName: 'Ana' } });
    b = await linkNewDevice(server, { scan: { pushName: 'Bea' } });
  });

  afterAll(async () => {
    a.sock.end(undefined);
    b.sock.end(undefined);
    await server.close();
    jest.restoreAllMocks();
  });

  it('relays 1:1 messages both ways and read receipts back to the sender', async () => {
    const atB = textOf(b.sock, 'hi Bea');
    // Baileys holds its own 'append' upsert ~100 ms and folds receipts arriving meanwhile into it
    const appended = nextBaileysEvent(a.sock, 'messages.upsert', (u) => u.type === 'append' && u.messages.some((m) => m.key.fromMe));
    const sent = await a.sock.sendMessage(b.paired.jid, { text: 'hi Bea' });
    const received = await atB;
    await appended;
    expect(received.key).toMatchObject({ remoteJid: a.paired.jid, fromMe: false, id: sent?.key.id });
    // the fake also read the copy for B's phone
    const record = server.messagesFromClient.find((m) => m.id === sent?.key.id);
    expect(record?.recipients).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ jid: b.paired.jid, decrypted: true }),
        expect.objectContaining({ jid: b.paired.deviceJid, decrypted: false }),
      ]),
    );

    const read = nextBaileysEvent(a.sock, 'messages.update', (us) => us.some((u) => u.key.id === sent?.key.id && u.update.status === 4));
    await b.sock.readMessages([received.key]);
    await read;

    const atA = textOf(a.sock, 'hi Ana');
    await b.sock.sendMessage(a.paired.jid, { text: 'hi Ana' });
    expect((await atA).key.remoteJid).toBe(b.paired.jid);
  });

  it('relays group messages between the clients', async () => {
    const upsert = nextBaileysEvent(b.sock, 'groups.upsert');
    const group = await a.sock.groupCreate('Both of us', [b.paired.jid]);
    expect((await upsert)[0].id).toBe(group.id);
    for (const text of ['group one', 'group two']) {
      const atB = textOf(b.sock, text);
      await a.sock.sendMessage(group.id, { text });
      expect((await atB).key).toMatchObject({ remoteJid: group.id, participant: a.paired.jid });
    }
  });
});
