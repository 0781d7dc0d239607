import type { WASocket } from '@whiskeysockets/baileys';
import { linkNewDevice, nextBaileysEvent, nextUpsertedMessage } from './client/baileys-events.kit';
import { FakeWhatsAppServer } from './fake-whatsapp.server';
import type { PairedAccount } from './fake-whatsapp.types';

/** Groups between fake peers and a real Baileys v7 client, in both directions. */
describe('FakeWhatsAppServer groups with a real Baileys client', () => {
  let server: FakeWhatsAppServer;
  let sock: WASocket;
  let me: PairedAccount;
  const [alice, bob, carol] = ['5511933330001', '5511933330002', '5511933330003'];
  const jid = (phone: string): string => `${phone}@s.whatsapp.net`;
  let lidOf: (phone: string) => string;

  beforeAll(async () => {
    jest.spyOn(console, 'info').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    server = await FakeWhatsAppServer.start();
    for (const [phone, pushName] of [[alice, 'Alice'], [bob, 'Bob'], [carol, 'Carol']]) server.createAccount({ phone, pushName });
    lidOf = (phone) => server.getAccount(phone)?.lid ?? '';
    ({ sock, paired: me } = await linkNewDevice(server));
  });

  afterAll(async () => {
    sock.end(undefined);
    await server.close();
    jest.restoreAllMocks();
  });

  it('creates a group: groups.upsert, then metadata IQs answered from the fake state', async () => {
    const upsert = nextBaileysEvent(sock, 'groups.upsert');
    const group = server.createGroup(alice, 'Weekend', [me.jid, bob], { description: 'plans' });
    const [meta] = await upsert;
    expect(meta).toMatchObject({ id: group.id, subject: 'Weekend', owner: jid(alice), desc: 'plans', addressingMode: 'pn' });
    expect(meta.participants).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: jid(alice), admin: 'superadmin', lid: lidOf(alice) }),
        expect.objectContaining({ id: me.jid, admin: null }),
      ]),
    );

    const fetched = await sock.groupMetadata(group.id);
    expect(fetched).toMatchObject({ id: group.id, subject: 'Weekend', size: 3 });
    const all = await sock.groupFetchAllParticipating();
    expect(Object.keys(all)).toContain(group.id);
    await expect(sock.groupMetadata('120363000000000000@g.us')).rejects.toThrow(/item-not-found/);
  });

  it('delivers group messages: SKDM + skmsg first, then skmsg only; plaintext too', async () => {
    const group = server.createGroup(alice, 'Chat', [me.jid, bob]);
    const first = nextUpsertedMessage(sock, 'GRPMSG000001');
    const delivered = server.waitFor('message-delivered', (d) => d.key.id === 'GRPMSG000001');
    const key = await server.sendMessage(group.id, alice, { conversation: 'hi group' }, { id: 'GRPMSG000001' });
    const { message } = await first;
    expect(key).toEqual({ remoteJid: group.id, id: 'GRPMSG000001', fromMe: false, participant: jid(alice) });
    expect(message.key).toMatchObject({ remoteJid: group.id, participant: jid(alice), participantAlt: lidOf(alice) });
    expect(message.message?.conversation).toBe('hi group');
    expect((await delivered).devices[0].encTypes).toEqual(['pkmsg', 'skmsg']);

    const second = nextUpsertedMessage(sock, 'GRPMSG000002');
    const delivered2 = server.waitFor('message-delivered', (d) => d.key.id === 'GRPMSG000002');
    await server.sendMessage(me.jid, bob, { conversation: 'from bob' }, { id: 'GRPMSG000002', group: group.id });
    expect((await second).message.key.participant).toBe(jid(bob));
    expect((await delivered2).devices[0].encTypes).toEqual(['pkmsg', 'skmsg']);
    const third = nextUpsertedMessage(sock, 'GRPMSG000003');
    const delivered3 = server.waitFor('message-delivered', (d) => d.key.id === 'GRPMSG000003');
    await server.sendMessage(group.id, alice, { conversation: 'again' }, { id: 'GRPMSG000003' });
    expect((await third).message.message?.conversation).toBe('again');
    expect((await delivered3).devices[0].encTypes).toEqual(['skmsg']);

    const plain = nextUpsertedMessage(sock, 'GRPPLAIN0001');
    await server.sendMessage(group.id, bob, { conversation: 'plain group' }, { id: 'GRPPLAIN0001', encryption: 'plaintext' });
    expect((await plain).message.message?.conversation).toBe('plain group');
  });

  it('uses LIDs in lid-addressed groups', async () => {
    const upsert = nextBaileysEvent(sock, 'groups.upsert');
    const group = server.createGroup(alice, 'LID group', [me.jid], { addressingMode: 'lid' });
    const [meta] = await upsert;
    expect(meta.addressingMode).toBe('lid');
    expect(meta.participants).toEqual(expect.arrayContaining([expect.objectContaining({ id: lidOf(alice), phoneNumber: jid(alice) })]));
    const msg = nextUpsertedMessage(sock, 'LIDGRP000001');
    await server.sendMessage(group.id, alice, { conversation: 'lid hi' }, { id: 'LIDGRP000001' });
    expect((await msg).message.key).toMatchObject({ participant: lidOf(alice), participantAlt: jid(alice), addressingMode: 'lid' });
  });

  it('notifies participant changes and settings', async () => {
    const group = server.createGroup(alice, 'Changes', [me.jid, bob]);
    const participantsUpdate = (action: string) =>
      nextBaileysEvent(sock, 'group-participants.update', (u) => u.id === group.id && u.action === action);

    const added = participantsUpdate('add');
    server.groupNotification(group.id, alice, 'add', [carol]);
    expect(await added).toMatchObject({ author: jid(alice), participants: [expect.objectContaining({ id: jid(carol) })] });
    const promoted = participantsUpdate('promote');
    server.groupNotification(group.id, alice, 'promote', [bob]);
    expect((await promoted).participants[0]).toMatchObject({ id: jid(bob) });
    expect(server.getGroup(group.id)?.participants).toContainEqual(expect.objectContaining({ jid: jid(bob), admin: 'admin' }));
    const demoted = participantsUpdate('demote');
    server.groupNotification(group.id, alice, 'demote', [bob]);
    await demoted;
    const removed = participantsUpdate('remove');
    server.groupNotification(group.id, alice, 'remove', [carol]);
    await removed;
    expect(server.getGroup(group.id)?.participants.map((p) => p.jid)).not.toContain(jid(carol));

    const subject = nextBaileysEvent(sock, 'groups.update', (us) => us.some((u) => u.id === group.id && u.subject === 'Renamed'));
    server.groupNotification(group.id, bob, 'subject', [], 'Renamed');
    expect((await subject).find((u) => u.id === group.id)?.author).toBe(jid(bob));
    const desc = nextBaileysEvent(sock, 'groups.update', (us) => us.some((u) => u.desc === 'new description'));
    server.groupNotification(group.id, alice, 'description', [], 'new description');
    await desc;
    const announce = nextBaileysEvent(sock, 'groups.update', (us) => us.some((u) => u.id === group.id && u.announce === true));
    server.groupNotification(group.id, alice, 'announce', [], 'on');
    await announce;
    expect((await sock.groupMetadata(group.id)).subject).toBe('Renamed');
  });

  it('adds the client to an existing group: group-participants.update and groups.upsert', async () => {
    const group = server.createGroup(alice, 'Later', [bob]);
    const participants = nextBaileysEvent(sock, 'group-participants.update', (u) => u.id === group.id && u.action === 'add');
    const upsert = nextBaileysEvent(sock, 'groups.upsert', (gs) => gs.some((g) => g.id === group.id));
    server.groupNotification(group.id, alice, 'add', [me.jid]);
    expect((await participants).participants[0]).toMatchObject({ id: me.jid });
    expect((await upsert)[0].participants.map((p) => p.id)).toContain(me.jid);
  });

  it('sends group chat states, receipts and call offers', async () => {
    const group = server.createGroup(alice, 'Extras', [me.jid, bob]);
    const typing = nextBaileysEvent(sock, 'presence.update', (p) => p.id === group.id && p.presences[jid(bob)]?.lastKnownPresence === 'composing');
    server.sendChatState(me.jid, bob, 'composing', group.id);
    await typing;

    const sentText = nextBaileysEvent(sock, 'messages.upsert', (u) => u.messages.some((m) => m.key.fromMe && m.key.remoteJid === group.id));
    const sent = await sock.sendMessage(group.id, { text: 'read me' });
    await sentText;
    const receipt = nextBaileysEvent(sock, 'message-receipt.update', (us) => us.some((u) => u.key.id === sent?.key.id));
    server.sendReceipt({ remoteJid: group.id, id: sent?.key.id ?? '' }, bob, 'read');
    const [hit] = await receipt;
    expect(hit.receipt).toMatchObject({ userJid: jid(bob), readTimestamp: expect.any(Number) });

    const call = nextBaileysEvent(sock, 'call', (cs) => cs.some((c) => c.isGroup));
    server.sendCall(me.jid, alice, { group: group.id });
    expect((await call)[0]).toMatchObject({ from: jid(alice), groupJid: group.id, isGroup: true });
  });

  it('decrypts group messages the client sends (SKDM fan-out + skmsg)', async () => {
    const group = server.createGroup(alice, 'Outgoing', [me.jid, bob]);
    for (const text of ['first from client', 'second from client']) {
      const received = server.waitFor('client-message', (m) => m.to === group.id && (m.message as { extendedTextMessage?: { text?: string } })?.extendedTextMessage?.text === text);
      await sock.sendMessage(group.id, { text });
      const record = await received;
      expect(record.recipients).toContainEqual(expect.objectContaining({ jid: group.id, encType: 'skmsg', decrypted: true }));
    }
  });

  it('applies the client’s own group IQs to the fake state and tells the members', async () => {
    const created = await sock.groupCreate('Made by client', [alice, bob].map(jid));
    expect(server.getGroup(created.id)).toMatchObject({ subject: 'Made by client', owner: me.jid });
    const subjectUpdate = server.waitFor('group-update', (u) => u.action === 'subject' && u.group.id === created.id);
    await sock.groupUpdateSubject(created.id, 'Renamed by client');
    expect((await subjectUpdate).group.subject).toBe('Renamed by client');
    const result = await sock.groupParticipantsUpdate(created.id, [jid(carol)], 'add');
    expect(result).toEqual([expect.objectContaining({ jid: jid(carol), status: '200' })]);
    expect(server.getGroup(created.id)?.participants.map((p) => p.jid)).toContain(jid(carol));
    await sock.groupSettingUpdate(created.id, 'announcement');
    expect(server.getGroup(created.id)?.announce).toBe(true);
    await sock.groupLeave(created.id);
    expect(server.getGroup(created.id)?.participants.map((p) => p.jid)).not.toContain(me.jid);
  });
});
