import type { WASocket } from '@whiskeysockets/baileys';
import { createBaileysTestSocket, type BaileysTestSocket } from './client/baileys-test-socket.kit';
import { FakeWhatsAppServer } from './fake-whatsapp.server';
import type { PairedAccount } from './fake-whatsapp.types';
import { createMemoryAuthState, type MemoryAuthState } from './client/memory-auth-state.factory';

/**
 * Drives a real, unmodified Baileys v7 client against the fake server over 127.0.0.1.
 * No sleeps: every step awaits a Baileys connection.update or a server event.
 */
describe('FakeWhatsAppServer with a real Baileys client', () => {
  let server: FakeWhatsAppServer;
  const sockets: WASocket[] = [];

  beforeAll(async () => {
    server = await FakeWhatsAppServer.start();
  });

  afterEach(() => {
    for (const sock of sockets.splice(0)) sock.end(undefined);
  });

  afterAll(async () => {
    await server.close();
  });

  async function connect(auth: MemoryAuthState): Promise<BaileysTestSocket> {
    const client = await createBaileysTestSocket(server.url, auth);
    sockets.push(client.sock);
    return client;
  }

  /** QR → scan → 515 restart; returns the paired account and the persisted auth state */
  async function pairNewDevice(): Promise<{ paired: PairedAccount; saved: string }> {
    const auth = await createMemoryAuthState();
    const first = await connect(auth);
    const qr = await first.watcher.qr();
    const restart = first.watcher.closed();
    const paired = await server.scan(qr);
    expect(await restart).toBe(515);
    return { paired, saved: auth.serialize() };
  }

  async function loginFrom(saved: string): Promise<BaileysTestSocket> {
    const client = await connect(await createMemoryAuthState(saved));
    await client.watcher.opened();
    return client;
  }

  it('registers with a QR code, restarts with 515 and opens as the new account', async () => {
    const auth = await createMemoryAuthState();
    const first = await connect(auth);
    const registration = server.waitFor('registration');
    const qr = await first.watcher.qr();
    expect(qr).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#/);

    const pending = await registration;
    expect(pending.refsCount).toBe(6);
    expect(server.registrations.map((r) => r.id)).toContain(pending.id);
    expect(server.connections.find((c) => c.id === pending.connectionId)?.phase).toBe('registration');

    const restart = first.watcher.closed();
    const paired = await server.scan(qr);
    expect(paired.jid).toMatch(/^\d+@s\.whatsapp\.net$/);
    expect(paired.lid).toMatch(/^\d+@lid$/);
    expect(paired.deviceJid).toBe(`${paired.phone}:1@s.whatsapp.net`);
    expect(await restart).toBe(515);
    expect(server.registrations.map((r) => r.id)).not.toContain(pending.id);
    expect(auth.state.creds.me?.id).toBe(paired.deviceJid);
    expect(auth.state.creds.me?.lid).toBe(paired.deviceLid);

    const login = server.waitFor('login', (e) => e.deviceJid === paired.deviceJid);
    const second = await connect(auth);
    await second.watcher.opened();
    await login;
    expect(second.sock.user?.id).toBe(paired.deviceJid);
    expect(second.watcher.sawQr).toBe(false);

    const connection = server.connections.find((c) => c.deviceJid === paired.deviceJid);
    expect(connection).toMatchObject({ phase: 'logged-in', jid: paired.jid });
    const account = server.accounts.find((a) => a.jid === paired.jid);
    expect(account?.devices[0]).toMatchObject({ id: 1, status: 'active', connected: true, hasSignedPreKey: true });
    // Baileys uploads its initial pre-keys (v7: 812) right after <success/>
    expect(account?.devices[0].preKeyCount).toBeGreaterThan(0);
  });

  it('gives every account its own phone number and LID', async () => {
    const a = await pairNewDevice();
    const b = await pairNewDevice();
    expect(a.paired.phone).not.toBe(b.paired.phone);
    expect(a.paired.lid).not.toBe(b.paired.lid);
  });

  it('reopens a paired device from its saved creds (new process) without any QR', async () => {
    const { paired, saved } = await pairNewDevice();
    const registrations = jest.fn();
    server.on('registration', registrations);
    try {
      const first = await loginFrom(saved);
      expect(first.sock.user?.id).toBe(paired.deviceJid);
      first.sock.end(undefined);

      const again = await loginFrom(saved);
      expect(again.watcher.sawQr).toBe(false);
      expect(again.watcher.updates.some((u) => u.qr !== undefined && u.qr !== null)).toBe(false);
    } finally {
      server.off('registration', registrations);
    }
    expect(registrations).not.toHaveBeenCalled();
  });

  it('records a client logout and rejects the logged-out creds with 401', async () => {
    const { paired, saved } = await pairNewDevice();
    const client = await loginFrom(saved);
    const logout = server.waitFor('logout', (e) => e.deviceJid === paired.deviceJid);
    const closed = client.watcher.closed();
    await client.sock.logout();
    expect(await closed).toBe(401);
    expect(await logout).toMatchObject({ jid: paired.jid, initiator: 'client', reason: 'user_initiated' });
    expect(server.logouts.map((l) => l.deviceJid)).toContain(paired.deviceJid);
    expect(server.accounts.find((a) => a.jid === paired.jid)?.devices[0].status).toBe('logged-out');

    const rejected = server.waitFor('login-rejected', (e) => e.deviceJid === paired.deviceJid);
    const retry = await connect(await createMemoryAuthState(saved));
    expect(await retry.watcher.closed()).toBe(401);
    expect((await rejected).code).toBe(401);
    expect(retry.watcher.updates.some((u) => u.connection === 'open')).toBe(false);
  });

  describe('kick', () => {
    let saved: string;
    let paired: PairedAccount;

    beforeAll(async () => {
      ({ paired, saved } = await pairNewDevice());
    });

    it.each([440, 428, 515, 403, 408, 411, 500, 503])('makes Baileys report %i', async (code) => {
      const client = await loginFrom(saved);
      const closed = client.watcher.closed();
      const disconnect = server.waitFor('disconnect', (e) => e.deviceJid === paired.deviceJid);
      expect(server.kick(paired.jid, code)).toHaveLength(1);
      expect(await closed).toBe(code);
      expect((await disconnect).code).toBe(code);
    });

    it('accepts reason names and the target "all"', async () => {
      const client = await loginFrom(saved);
      const closed = client.watcher.closed();
      expect(server.kick('all', 'connectionReplaced').length).toBeGreaterThanOrEqual(1);
      expect(await closed).toBe(440);
    });

    it('with 401 logs the device out for good', async () => {
      const other = await pairNewDevice();
      const client = await loginFrom(other.saved);
      const closed = client.watcher.closed();
      server.kick(other.paired.deviceJid, 'loggedOut');
      expect(await closed).toBe(401);
      expect(server.logouts).toContainEqual(expect.objectContaining({ deviceJid: other.paired.deviceJid, initiator: 'server' }));
      const retry = await connect(await createMemoryAuthState(other.saved));
      expect(await retry.watcher.closed()).toBe(401);
    });

    it('replaces the older session when the same device logs in twice (440)', async () => {
      const first = await loginFrom(saved);
      const firstClosed = first.watcher.closed();
      await loginFrom(saved);
      expect(await firstClosed).toBe(440);
    });
  });

  it('pairs with a pairing code instead of a QR', async () => {
    const auth = await createMemoryAuthState();
    const client = await connect(auth);
    await client.watcher.qr(); // registration is up once the first QR shows
    const phone = '5511987654321';
    const request = server.waitFor('pairing-code-request', (e) => e.phone === phone);
    const code = await client.sock.requestPairingCode(phone);
    await request;
    expect(server.registrations.find((r) => r.pairingCodePhone === phone)).toBeDefined();

    const restart = client.watcher.closed();
    const paired = await server.enterPairingCode(phone, code);
    expect(paired).toMatchObject({ phone, jid: `${phone}@s.whatsapp.net`, deviceJid: `${phone}:1@s.whatsapp.net` });
    expect(await restart).toBe(515);

    const second = await connect(auth);
    await second.watcher.opened();
    expect(second.sock.user?.id).toBe(paired.deviceJid);
  });

  it('rejects a wrong pairing code', async () => {
    const client = await connect(await createMemoryAuthState());
    await client.watcher.qr();
    const phone = '5511987650000';
    const request = server.waitFor('pairing-code-request', (e) => e.phone === phone);
    await client.sock.requestPairingCode(phone, 'AAAABBBB');
    await request;
    await expect(server.enterPairingCode(phone, 'ZZZZYYYY')).rejects.toThrow(/pairing code/);
  });

  it('refuses to scan an unknown QR', async () => {
    await expect(server.scan('https://wa.me/settings/linked_devices#nope,AAAA,BBBB,CCCC,1')).rejects.toThrow();
  });
});
