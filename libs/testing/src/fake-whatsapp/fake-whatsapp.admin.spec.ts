import type { WASocket } from '@whiskeysockets/baileys';
import { createBaileysTestSocket } from './baileys-test-socket.kit';
import { FakeWhatsAppAdminClient, FakeWhatsAppAdminError } from './fake-whatsapp.client';
import { FakeWhatsAppServer } from './fake-whatsapp.server';
import { createMemoryAuthState } from './memory-auth-state.factory';

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
});
