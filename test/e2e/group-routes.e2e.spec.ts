import type { BinaryNode } from '@whiskeysockets/baileys';
import type { GatewayProcess, ReceivedWebhook } from '@gw/testing';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';

/** 1×1 PNG: WhatsApp group pictures are re-encoded by Baileys, so the bytes must be a real image. */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/**
 * The /group routes end to end, sent the way the n8n node sends them (compat §11 rows 46-59):
 * real gateway with real Baileys, our fake WhatsApp server holding the group state the
 * assertions read, and a real receiver for the GROUPS_* webhooks the changes produce.
 */
describe('group routes (e2e)', () => {
  const env = new E2eEnvironment();
  const NAME = 'grouper';
  let gateway: GatewayProcess;
  let me: { jid: string };
  let alice: { jid: string; phone: string };
  let bob: { jid: string; phone: string };
  let carol: { jid: string; phone: string };
  let groupJid: string;

  beforeAll(async () => {
    await env.start();
    gateway = await env.startGateway({ SEND_MIN_INTERVAL_MS: '0', SEND_TIMEOUT_MS: '10000' });
    ({ me } = await env.linkInstance(gateway, NAME));
    alice = env.fake.createAccount({ pushName: 'Alice' });
    bob = env.fake.createAccount({ pushName: 'Bob' });
    carol = env.fake.createAccount({ pushName: 'Carol' });
  });

  afterAll(() => env.stop());

  const api = (method: string, path: string, body?: unknown) => gateway.api(method, path, { apikey: API_KEY, body });
  const hook = (suffix: string, pred: (w: ReceivedWebhook) => boolean) =>
    env.receiver.waitFor((w) => w.path === `/hooks/${suffix}` && pred(w), 20_000, `/hooks/${suffix}`);
  const fakeGroup = (jid = groupJid) => env.fake.getGroup(jid)!;
  const memberJids = (jid = groupJid) => fakeGroup(jid).participants.map((p) => p.jid);
  const user = (jid: string) => jid.split('@')[0];

  describe("Evolution's request rules", () => {
    it('a missing groupJid, getParticipants or inviteCode is the exact 400', async () => {
      const noJid = await api('GET', `/group/findGroupInfos/${NAME}`);
      expect(noJid.status).toBe(400);
      expect(noJid.body).toEqual({
        status: 400,
        error: 'Bad Request',
        response: { message: ['The group id needs to be informed in the query', 'ex: "groupJid=120362@g.us"'] },
      });
      const noFlag = await api('GET', `/group/fetchAllGroups/${NAME}`);
      expect(noFlag.status).toBe(400);
      expect(noFlag.body.response.message).toEqual(['The getParticipants needs to be informed in the query']);
      const noCode = await api('GET', `/group/inviteInfo/${NAME}`);
      expect(noCode.status).toBe(400);
      expect(noCode.body.response.message[0]).toBe('The group invite code id needs to be informed in the query');
      const badCode = await api('GET', `/group/acceptInviteCode/${NAME}?inviteCode=short`);
      expect(badCode.status).toBe(400);
      expect(badCode.body.response.message[0]).toMatch(/inviteCode/);
    });

    it('bad bodies name the field', async () => {
      const setting = await api('POST', `/group/updateSetting/${NAME}?groupJid=120363000000000001`, { action: 'everyone' });
      expect(setting.status).toBe(400);
      expect(setting.body.response.message.join(' ')).toMatch(/action must be one of/);
      const timer = await api('POST', `/group/toggleEphemeral/${NAME}?groupJid=120363000000000001`, { expiration: 5 });
      expect(timer.status).toBe(400);
      expect(timer.body.response.message.join(' ')).toMatch(/expiration must be one of/);
      const create = await api('POST', `/group/create/${NAME}`, { subject: 'x', participants: ['abc'] });
      expect(create.status).toBe(400);
      expect(create.body.response.message.join(' ')).toMatch(/participants/);
      const notGroup = await api('GET', `/group/participants/${NAME}?groupJid=5511999999999@s.whatsapp.net`);
      expect(notGroup.status).toBe(400);
      expect(notGroup.body.response.message[0]).toMatch(/groupJid must be a group id/);
    });
  });

  it('create: 201 with the metadata; the fake holds the group; GROUPS_UPSERT arrives', async () => {
    const res = await api('POST', `/group/create/${NAME}`, {
      subject: 'Gateway group',
      description: 'made through the API',
      participants: [alice.phone, bob.phone],
    });
    expect(res.status).toBe(201);
    groupJid = res.body.id;
    expect(groupJid).toMatch(/^\d+@g\.us$/);
    expect(res.body).toMatchObject({ subject: 'Gateway group', owner: me.jid, desc: 'made through the API', announce: false, restrict: false });
    expect(res.body.participants.map((p: { id: string }) => p.id).sort()).toEqual([me.jid, alice.jid, bob.jid].sort());
    expect(fakeGroup()).toMatchObject({ subject: 'Gateway group', owner: me.jid, description: 'made through the API' });
    expect(memberJids().sort()).toEqual([me.jid, alice.jid, bob.jid].sort());
    const upsert = await hook('groups-upsert', (w) => w.body.data.some((g: { id: string }) => g.id === groupJid));
    expect(upsert.body).toMatchObject({ event: 'groups.upsert', instance: NAME });
  });

  it('updateGroupSubject (n8n: ?groupJid= without @g.us) and updateGroupDescription (v1 PUT, groupJid in the body)', async () => {
    const subject = await api('POST', `/group/updateGroupSubject/${NAME}?groupJid=${user(groupJid)}`, { subject: 'Renamed' });
    expect(subject.status).toBe(201);
    expect(subject.body).toEqual({ update: 'success' });
    expect(fakeGroup().subject).toBe('Renamed');
    const update = await hook('groups-update', (w) => w.body.data.some((g: { id: string; subject?: string }) => g.id === groupJid && g.subject === 'Renamed'));
    expect(update.body.event).toBe('groups.update');

    const desc = await api('PUT', `/group/updateGroupDescription/${NAME}`, { groupJid, description: 'new rules' });
    expect(desc.status).toBe(201);
    expect(desc.body).toEqual({ update: 'success' });
    expect(fakeGroup().description).toBe('new rules');
  });

  it('updateGroupPicture (base64), then findGroupInfos shows it with the rest of the metadata', async () => {
    const res = await api('POST', `/group/updateGroupPicture/${NAME}?groupJid=${groupJid}`, { image: PNG_BASE64 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ update: 'success' });
    const pictureId = fakeGroup().pictureId;
    expect(pictureId).toEqual(expect.any(String));

    const info = await api('GET', `/group/findGroupInfos/${NAME}?groupJid=${groupJid}`);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({
      id: groupJid,
      subject: 'Renamed',
      subjectOwner: me.jid,
      size: 3,
      owner: me.jid,
      desc: 'new rules',
      restrict: false,
      announce: false,
      isCommunity: false,
      isCommunityAnnounce: false,
    });
    expect(info.body.pictureUrl).toContain(pictureId);
    expect(info.body.participants).toContainEqual(expect.objectContaining({ id: me.jid, admin: 'superadmin' }));
  });

  it('updateParticipant add / promote / demote / remove: results per participant, fake state, GROUP_PARTICIPANTS_UPDATE', async () => {
    const url = `/group/updateParticipant/${NAME}?groupJid=${groupJid}`;
    const added = await api('POST', url, { action: 'add', participants: [carol.phone, alice.phone] });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({
      updateParticipants: [
        { status: '200', jid: carol.jid },
        { status: '409', jid: alice.jid },
      ],
    });
    expect(memberJids()).toContain(carol.jid);
    const webhook = await hook('group-participants-update', (w) => w.body.data.id === groupJid && w.body.data.action === 'add');
    expect(webhook.body.data.participants).toEqual([carol.jid]);

    expect((await api('POST', url, { action: 'promote', participants: [carol.jid] })).status).toBe(201);
    expect(fakeGroup().participants).toContainEqual(expect.objectContaining({ jid: carol.jid, admin: 'admin' }));
    await hook('group-participants-update', (w) => w.body.data.id === groupJid && w.body.data.action === 'promote');
    expect((await api('PUT', url, { action: 'demote', participants: [carol.phone] })).status).toBe(201);
    expect(fakeGroup().participants).toContainEqual(expect.objectContaining({ jid: carol.jid, admin: null }));
    expect((await api('POST', url, { action: 'remove', participants: [carol.phone] })).status).toBe(201);
    expect(memberJids()).not.toContain(carol.jid);
    await hook('group-participants-update', (w) => w.body.data.id === groupJid && w.body.data.action === 'remove');
  });

  it('updateSetting and toggleEphemeral change the group on WhatsApp', async () => {
    const url = (action: string) => `/group/${action}/${NAME}?groupJid=${groupJid}`;
    const announce = await api('POST', url('updateSetting'), { action: 'announcement' });
    expect(announce.status).toBe(201);
    expect(announce.body).toEqual({ updateSetting: true });
    expect(fakeGroup().announce).toBe(true);
    await hook('groups-update', (w) => w.body.data.some((g: { id: string; announce?: boolean }) => g.id === groupJid && g.announce === true));
    expect((await api('POST', url('updateSetting'), { action: 'locked' })).status).toBe(201);
    expect(fakeGroup().restrict).toBe(true);
    expect((await api('PUT', url('updateSetting'), { action: 'not_announcement' })).status).toBe(201);
    expect(fakeGroup().announce).toBe(false);

    const on = await api('POST', url('toggleEphemeral'), { expiration: 604800 });
    expect(on.status).toBe(201);
    expect(on.body).toEqual({ success: true });
    expect(fakeGroup().ephemeral).toBe(604800);
    expect((await api('POST', url('toggleEphemeral'), { expiration: '0' })).status).toBe(201);
    expect(fakeGroup().ephemeral).toBe(0);
  });

  it('inviteCode, revokeInviteCode and sendInvite (the link reaches the number as a text)', async () => {
    const code = await api('GET', `/group/inviteCode/${NAME}?groupJid=${groupJid}`);
    expect(code.status).toBe(200);
    expect(code.body).toEqual({ inviteUrl: `https://chat.whatsapp.com/${fakeGroup().inviteCode}`, inviteCode: fakeGroup().inviteCode });

    const revoked = await api('POST', `/group/revokeInviteCode/${NAME}?groupJid=${groupJid}`);
    expect(revoked.status).toBe(201);
    expect(revoked.body).toEqual({ revoked: true, inviteCode: fakeGroup().inviteCode });
    expect(revoked.body.inviteCode).not.toBe(code.body.inviteCode);

    const delivered = env.fake.waitFor('client-message', (m) => m.to === carol.jid);
    const sent = await api('POST', `/group/sendInvite/${NAME}`, { groupJid, description: 'Join us', numbers: [carol.phone] });
    expect(sent.status).toBe(200);
    const inviteUrl = `https://chat.whatsapp.com/${revoked.body.inviteCode}`;
    expect(sent.body).toEqual({ send: true, inviteUrl });
    const message = (await delivered).message as { conversation?: string; extendedTextMessage?: { text?: string } };
    expect(message.conversation ?? message.extendedTextMessage?.text).toBe(`Join us\n\n${inviteUrl}`);
  });

  it("inviteInfo and acceptInviteCode join someone else's group", async () => {
    const other = env.fake.createGroup(bob.phone, "Bob's group", [alice.phone]);
    const info = await api('GET', `/group/inviteInfo/${NAME}?inviteCode=${other.inviteCode}`);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ id: other.id, subject: "Bob's group", owner: bob.jid, size: 2 });
    expect(memberJids(other.id)).not.toContain(me.jid);

    const joined = await api('GET', `/group/acceptInviteCode/${NAME}?inviteCode=${other.inviteCode}`);
    expect(joined.status).toBe(200);
    expect(joined.body).toEqual({ accepted: true, groupJid: other.id });
    expect(memberJids(other.id)).toContain(me.jid);
    await hook('groups-upsert', (w) => w.body.data.some((g: { id: string }) => g.id === other.id));

    const unknown = await api('GET', `/group/acceptInviteCode/${NAME}?inviteCode=AAAAAAAAAAAAAAAAAAAAAA`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.response.message[0]).toMatch(/invite code AAAAAAAAAAAAAAAAAAAAAA was not found/);
  });

  it('fetchAllGroups (with and without participants) and participants', async () => {
    const bare = await api('GET', `/group/fetchAllGroups/${NAME}?getParticipants=false`);
    expect(bare.status).toBe(200);
    const mine = bare.body.find((g: { id: string }) => g.id === groupJid);
    expect(mine).toMatchObject({ subject: 'Renamed', size: 3, pictureUrl: expect.stringContaining(fakeGroup().pictureId!) });
    expect(mine).not.toHaveProperty('participants');
    expect(bare.body.map((g: { id: string }) => g.id).sort()).toEqual(env.fake.groupList.filter((g) => g.participants.some((p) => p.jid === me.jid)).map((g) => g.id).sort());

    const full = await api('GET', `/group/fetchAllGroups/${NAME}?getParticipants=true`);
    expect(full.body.find((g: { id: string }) => g.id === groupJid).participants).toHaveLength(3);

    const members = await api('GET', `/group/participants/${NAME}?groupJid=${groupJid}`);
    expect(members.status).toBe(200);
    expect(members.body.participants.map((p: { id: string }) => p.id).sort()).toEqual(memberJids().sort());
  });

  it('unknown groups are 404s, admin-only changes by a plain member 403s, never 500s', async () => {
    const missing = await api('GET', `/group/findGroupInfos/${NAME}?groupJid=120363000000000099`);
    expect(missing.status).toBe(404);
    expect(missing.body.response.message[0]).toMatch(/120363000000000099@g\.us was not found/);
    const rename = await api('POST', `/group/updateGroupSubject/${NAME}?groupJid=120363000000000099`, { subject: 'x' });
    expect(rename.status).toBe(404);

    const foreign = env.fake.createGroup(alice.phone, 'Not admin here', [me.jid]);
    const link = await api('GET', `/group/inviteCode/${NAME}?groupJid=${foreign.id}`);
    expect(link.status).toBe(403);
    expect(link.body.response.message[0]).toMatch(/admin/);
  });

  it('repeated sends to a group query its metadata once; our own change makes the next send ask again', async () => {
    const queries: BinaryNode[] = [];
    const count = ({ node }: { node: BinaryNode }) => {
      const first = Array.isArray(node.content) ? node.content[0] : undefined;
      if (node.attrs.xmlns === 'w:g2' && node.attrs.type === 'get' && node.attrs.to === groupJid && first?.tag === 'query') queries.push(node);
    };
    env.fake.on('stanza', count);
    try {
      const sendText = (text: string) => api('POST', `/message/sendText/${NAME}`, { number: groupJid, text });
      expect((await sendText('one')).status).toBe(201);
      const afterFirst = queries.length;
      expect(afterFirst).toBeLessThanOrEqual(1);
      for (const text of ['two', 'three', 'four']) expect((await sendText(text)).status).toBe(201);
      expect(queries).toHaveLength(afterFirst);

      expect((await api('POST', `/group/updateGroupSubject/${NAME}?groupJid=${groupJid}`, { subject: 'Cached?' })).status).toBe(201);
      // WhatsApp's notification of the change also drops the entry; let it land first so the count is exact
      await hook('groups-update', (w) => w.body.data.some((g: { id: string; subject?: string }) => g.id === groupJid && g.subject === 'Cached?'));
      for (const text of ['five', 'six']) expect((await sendText(text)).status).toBe(201);
      expect(queries).toHaveLength(afterFirst + 1);
    } finally {
      env.fake.off('stanza', count);
    }
  });

  it('leaveGroup: DELETE, and the fake no longer lists us', async () => {
    const res = await api('DELETE', `/group/leaveGroup/${NAME}?groupJid=${groupJid}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ groupJid, leave: true });
    expect(memberJids()).not.toContain(me.jid);
    await hook('group-participants-update', (w) => w.body.data.id === groupJid && w.body.data.action === 'remove' && w.body.data.participants.includes(me.jid));
  });

  it('a closed instance gets the send routes\' 400, not a 500', async () => {
    await api('DELETE', `/instance/logout/${NAME}`);
    const res = await api('GET', `/group/participants/${NAME}?groupJid=${groupJid}`);
    expect(res.status).toBe(400);
    expect(res.body.response.message[0]).toMatch(/is not connected/);
  });
});
