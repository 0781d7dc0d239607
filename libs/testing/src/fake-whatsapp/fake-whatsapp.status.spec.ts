import type { WASocket } from '@whiskeysockets/baileys';
import { linkNewDevice, nextUpsertedMessage } from './client/baileys-events.kit';
import { FakeWhatsAppAdminClient } from './admin/fake-whatsapp.client';
import { FakeWhatsAppServer } from './fake-whatsapp.server';
import type { LinkedDevice } from './client/baileys-events.kit';
import type { PairedAccount } from './fake-whatsapp.types';
import { STATUS_BROADCAST_JID } from './services/status-broadcast.service';

/**
 * Statuses a peer posts reach a real Baileys v7 client as WhatsApp sends them (skmsg under
 * the poster's status sender key), and the fake records the receipts the client sends back;
 * the DeviceProps a client advertises at registration (syncFullHistory → requireFullSync)
 * are decoded and kept per registration and per linked device.
 */
describe('FakeWhatsAppServer statuses and advertised device props', () => {
  let server: FakeWhatsAppServer;
  const sockets: WASocket[] = [];
  let sock: WASocket;
  let me: PairedAccount;
  let other: LinkedDevice;
  const bob = '5511922220001';
  const bobJid = `${bob}@s.whatsapp.net`;

  beforeAll(async () => {
    jest.spyOn(console, 'info').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    server = await FakeWhatsAppServer.start();
    server.createAccount({ phone: bob, pushName: 'Bob' });
    const linked = await linkNewDevice(server, { scan: { pushName: 'Viewer' }, config: { syncFullHistory: true } });
    ({ sock, paired: me } = linked);
    sockets.push(sock);
  });

  afterAll(async () => {
    for (const s of sockets) s.end(undefined);
    await server.close();
    jest.restoreAllMocks();
  });

  it('delivers a posted status as status@broadcast with the poster as participant (SKDM + skmsg, then skmsg only)', async () => {
    const first = nextUpsertedMessage(sock, 'STATUS000001');
    const posted = await server.statuses.post([me.jid], bob, { conversation: 'my story' }, { id: 'STATUS000001' });
    const { message, type } = await first;
    expect(type).toBe('notify');
    expect(message.key).toMatchObject({ remoteJid: STATUS_BROADCAST_JID, participant: bobJid, fromMe: false, id: 'STATUS000001' });
    expect(message.message?.conversation).toBe('my story');
    expect(message.pushName).toBe('Bob');
    expect(posted.key).toEqual({ remoteJid: STATUS_BROADCAST_JID, id: 'STATUS000001', fromMe: false, participant: bobJid });
    expect(posted.devices).toEqual([expect.objectContaining({ deviceJid: me.deviceJid, encTypes: ['pkmsg', 'skmsg'] })]);

    const second = nextUpsertedMessage(sock, 'STATUS000002');
    const again = await server.statuses.post([me.jid], bob, { conversation: 'second story' }, { id: 'STATUS000002' });
    expect((await second).message.message?.conversation).toBe('second story');
    expect(again.devices[0].encTypes).toEqual(['skmsg']);
  });

  it('records the delivery receipt and the read receipt the client sends for a status', async () => {
    const delivered = server.waitFor('client-receipt', (r) => r.ids.includes('STATUS000003'));
    const upsert = nextUpsertedMessage(sock, 'STATUS000003');
    await server.statuses.post([me.jid], bob, { conversation: 'read me' }, { id: 'STATUS000003' });
    const { message } = await upsert;
    expect(await delivered).toMatchObject({ deviceJid: me.deviceJid, to: STATUS_BROADCAST_JID, participant: bobJid });
    const read = server.waitFor('client-receipt', (r) => r.type === 'read' && r.ids.includes('STATUS000003'));
    await sock.readMessages([message.key]);
    expect(await read).toMatchObject({ to: STATUS_BROADCAST_JID, participant: bobJid });
    expect(server.statuses.receiptsFor('STATUS000003').map((r) => r.type)).toEqual([expect.any(String), 'read']);
  });

  it('decodes the DeviceProps a client advertises: requireFullSync follows syncFullHistory', async () => {
    const device = server.accounts.find((a) => a.jid === me.jid)?.devices.find((d) => d.jid === me.deviceJid);
    expect(device?.companionProps).toMatchObject({ requireFullSync: true, historySyncConfig: expect.objectContaining({ inlineInitialPayloadInE2EeMsg: true }) });

    const registered = server.waitFor('registration');
    other = await linkNewDevice(server, { config: { syncFullHistory: false } });
    sockets.push(other.sock);
    expect((await registered).companionProps).toMatchObject({ requireFullSync: false, platformType: expect.any(String) });
    const otherDevice = server.accounts.flatMap((a) => a.devices).find((d) => d.jid === other.paired.deviceJid);
    expect(otherDevice?.companionProps?.requireFullSync).toBe(false);
  });

  it('posts over the admin API; viewers whose devices are offline do not get the status', async () => {
    const gone = server.waitFor('disconnect', (d) => d.deviceJid === other.paired.deviceJid);
    other.sock.end(undefined);
    await gone;
    const admin = new FakeWhatsAppAdminClient(server.adminUrl);
    const upsert = nextUpsertedMessage(sock, 'STATUS000004');
    const posted = await admin.postStatus([me.jid, other.paired.jid], bob, { conversation: 'via admin' }, { id: 'STATUS000004' });
    expect((await upsert).message.message?.conversation).toBe('via admin');
    expect(posted.to).toEqual([me.jid, other.paired.jid]);
    expect(posted.devices.map((d) => d.deviceJid)).toEqual([me.deviceJid]);
    expect(posted.offline).toEqual([other.paired.deviceJid]);
    await expect(admin.postStatus([], bob, { conversation: 'nobody' })).rejects.toThrow("'to' must be a non-empty array");
  });
});
