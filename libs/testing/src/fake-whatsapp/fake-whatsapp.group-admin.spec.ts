import type { WASocket } from '@whiskeysockets/baileys';
import { linkNewDevice, nextBaileysEvent } from './client/baileys-events.kit';
import { FakeWhatsAppServer } from './fake-whatsapp.server';
import type { PairedAccount } from './fake-whatsapp.types';

/** 1×1 PNG: Baileys re-encodes group pictures (sharp), so the bytes must be a real image. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

/** The group administration IQs a real Baileys v7 client sends, answered as WhatsApp would. */
describe('FakeWhatsAppServer group administration IQs', () => {
  let server: FakeWhatsAppServer;
  let sock: WASocket;
  let me: PairedAccount;
  const [alice, bob, carol] = ['5511944440001', '5511944440002', '5511944440003'];
  const jid = (phone: string): string => `${phone}@s.whatsapp.net`;

  beforeAll(async () => {
    jest.spyOn(console, 'info').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    server = await FakeWhatsAppServer.start();
    for (const [phone, pushName] of [[alice, 'Alice'], [bob, 'Bob'], [carol, 'Carol']]) server.createAccount({ phone, pushName });
    ({ sock, paired: me } = await linkNewDevice(server));
  });

  afterAll(async () => {
    sock.end(undefined);
    await server.close();
    jest.restoreAllMocks();
  });

  it('invite code: 22 characters; revoking replaces it and tells the admins (groups.update inviteCode)', async () => {
    const group = await sock.groupCreate('Links', [jid(alice)]);
    const code = await sock.groupInviteCode(group.id);
    expect(code).toMatch(/^[a-zA-Z0-9]{22}$/);
    expect(code).toBe(server.getGroup(group.id)?.inviteCode);

    const notified = nextBaileysEvent(sock, 'groups.update', (us) => us.some((u) => u.id === group.id && !!u.inviteCode));
    const fresh = await sock.groupRevokeInvite(group.id);
    expect(fresh).toMatch(/^[a-zA-Z0-9]{22}$/);
    expect(fresh).not.toBe(code);
    expect(server.getGroup(group.id)?.inviteCode).toBe(fresh);
    expect((await notified).find((u) => u.id === group.id)?.inviteCode).toBe(fresh);
    await expect(sock.groupGetInviteInfo(code!)).rejects.toThrow(/item-not-found/);
  });

  it('invite info without joining, then accepting joins: add notification and groups.upsert', async () => {
    const group = server.createGroup(alice, 'Open door', [bob], { description: 'come in' });
    const info = await sock.groupGetInviteInfo(group.inviteCode);
    expect(info).toMatchObject({ id: group.id, subject: 'Open door', desc: 'come in', size: 2 });
    expect(server.getGroup(group.id)?.participants.map((p) => p.jid)).not.toContain(me.jid);

    const upsert = nextBaileysEvent(sock, 'groups.upsert', (gs) => gs.some((g) => g.id === group.id));
    const joined = server.waitFor('group-update', (u) => u.action === 'add' && u.group.id === group.id);
    expect(await sock.groupAcceptInvite(group.inviteCode)).toBe(group.id);
    expect((await joined).author).toBe(me.jid);
    expect(server.getGroup(group.id)?.participants.map((p) => p.jid)).toContain(me.jid);
    expect((await upsert)[0].participants.map((p) => p.id)).toContain(me.jid);
    await expect(sock.groupAcceptInvite('AAAAAAAAAAAAAAAAAAAAAA')).rejects.toThrow(/item-not-found/);
  });

  it('disappearing messages: on, in the metadata, off again', async () => {
    const group = await sock.groupCreate('Vanishing', [jid(bob)]);
    await sock.groupToggleEphemeral(group.id, 86400);
    expect(server.getGroup(group.id)?.ephemeral).toBe(86400);
    expect((await sock.groupMetadata(group.id)).ephemeralDuration).toBe(86400);
    await sock.groupToggleEphemeral(group.id, 0);
    expect(server.getGroup(group.id)?.ephemeral).toBe(0);
    expect((await sock.groupMetadata(group.id)).ephemeralDuration).toBeUndefined();
  });

  it('group picture: set (members get a picture notification), URL lookup, removal', async () => {
    const group = await sock.groupCreate('Pictured', [jid(alice)]);
    await expect(sock.profilePictureUrl(group.id, 'image')).rejects.toThrow(/item-not-found/);
    const changed = nextBaileysEvent(sock, 'contacts.update', (us) => us.some((u) => u.id === group.id && u.imgUrl === 'changed'));
    await sock.updateProfilePicture(group.id, PNG);
    await changed;
    const pictureId = server.getGroup(group.id)?.pictureId;
    expect(pictureId).toEqual(expect.any(String));
    expect(await sock.profilePictureUrl(group.id, 'image')).toContain(pictureId);
    await sock.removeProfilePicture(group.id);
    expect(server.getGroup(group.id)?.pictureId).toBeUndefined();
  });

  it('description and per-participant results (409 already in, 404 not in)', async () => {
    const group = await sock.groupCreate('Results', [jid(alice)]);
    await sock.groupUpdateDescription(group.id, 'rules');
    expect(server.getGroup(group.id)?.description).toBe('rules');
    const added = await sock.groupParticipantsUpdate(group.id, [jid(alice), jid(bob)], 'add');
    expect(added).toEqual([
      expect.objectContaining({ jid: jid(alice), status: '409' }),
      expect.objectContaining({ jid: jid(bob), status: '200' }),
    ]);
    const removed = await sock.groupParticipantsUpdate(group.id, [jid(carol)], 'remove');
    expect(removed).toEqual([expect.objectContaining({ jid: jid(carol), status: '404' })]);
    await sock.groupSettingUpdate(group.id, 'locked');
    expect(server.getGroup(group.id)?.restrict).toBe(true);
  });

  it('a plain member may not change participants, settings or the link (401 not-authorized)', async () => {
    const group = server.createGroup(alice, 'Not mine', [me.jid, bob]);
    await expect(sock.groupInviteCode(group.id)).rejects.toThrow(/not-authorized/);
    await expect(sock.groupParticipantsUpdate(group.id, [jid(bob)], 'remove')).rejects.toThrow(/not-authorized/);
    await expect(sock.groupSettingUpdate(group.id, 'announcement')).rejects.toThrow(/not-authorized/);
    expect(server.getGroup(group.id)?.participants).toHaveLength(3);
    // unlocked groups let anyone rename them
    await sock.groupUpdateSubject(group.id, 'Renamed by member');
    expect(server.getGroup(group.id)?.subject).toBe('Renamed by member');
  });
});
