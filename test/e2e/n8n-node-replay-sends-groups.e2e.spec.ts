import { createServer, type Server } from 'node:http';
import type { ClientMessageRecord, GatewayProcess, ReceivedWebhook } from '@gw/testing';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';
import { N8nNode, envelope } from '../support/n8n-node';
import { TestMedia } from '../support/test-media';

/** 1×1 PNG: real image bytes where WhatsApp needs them (group picture). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

/**
 * The n8n node's message and group requests (compat §11 rows 12-23, 46-59) with its exact
 * bodies, against one real gateway (real Baileys, fake WhatsApp with its HTTPS media host, so
 * media uploads really happen) and a real webhook receiver. Rows 1-11 and 24-45 are in
 * n8n-node-replay.e2e.spec.ts.
 */
describe('n8n node replay: sends and groups (e2e)', () => {
  const env = new E2eEnvironment();
  const NAME = 'n8n-sender';
  let gateway: GatewayProcess;
  let n8n: N8nNode;
  let instanceId: string;
  let me: { jid: string };
  let alice: { jid: string; phone: string };
  let bob: { jid: string; phone: string };
  let carol: { jid: string; phone: string };
  let firstId: string;
  let groupJid: string;
  // a real MP3 (made by ffmpeg): sendWhatsAppAudio converts it to a voice note, and junk would be a 400
  const testMedia = new TestMedia();
  const files = new Map<string, Buffer>([['/clip.mp4', Buffer.from('not really a video, but bytes')], ['/image.png', PNG], ['/audio.mp3', testMedia.mp3(1)]]);
  const web: Server = createServer((req, res) => {
    const file = files.get(req.url ?? '');
    res.writeHead(file ? 200 : 404).end(file ?? '');
  });
  let webBase: string;

  const send = (action: string, body: unknown) => n8n.request('POST', `/message/${action}/${NAME}`, body);
  const group = (method: string, action: string, query = '', body?: unknown) => n8n.request(method, `/group/${action}/${NAME}${query}`, body);
  const received = async (id: string): Promise<ClientMessageRecord> =>
    env.fake.messagesFromClient.find((m) => m.id === id) ?? env.fake.waitFor('client-message', (m) => m.id === id);
  const hook = (suffix: string, pred: (w: ReceivedWebhook) => boolean) =>
    env.receiver.waitFor((w) => w.path === `/n8n/${suffix}` && pred(w), 20_000, `/n8n/${suffix}`);
  /** The record every send answers with (Evolution v2 prepareMessage()). */
  const record = (remoteJid: string, messageType: string) => ({
    key: { remoteJid, fromMe: true, id: expect.any(String) },
    status: 'PENDING',
    message: expect.any(Object),
    messageType,
    messageTimestamp: expect.any(Number),
    instanceId,
  });

  beforeAll(async () => {
    await Promise.all([env.start({ mediaHost: true }), new Promise<void>((r) => web.listen(0, '127.0.0.1', r))]);
    webBase = `http://127.0.0.1:${(web.address() as { port: number }).port}`;
    gateway = await env.startGateway({ SEND_MIN_INTERVAL_MS: '0', SEND_TIMEOUT_MS: '15000' });
    n8n = new N8nNode(gateway, API_KEY);
    const linked = await n8n.createAndLink(env, NAME, `${env.receiver.url}/n8n`);
    instanceId = linked.created.body.instance.instanceId;
    me = linked.me;
    alice = env.fake.createAccount({ pushName: 'Alice' });
    bob = env.fake.createAccount({ pushName: 'Bob' });
    carol = env.fake.createAccount({ pushName: 'Carol' });
  });

  afterAll(async () => {
    testMedia.dispose();
    await new Promise<void>((r) => web.close(() => r()));
    await env.stop();
  });

  it('row 12 sendText with delay, linkPreview, mentioned ["<n>@s.whatsapp.net"] and then quoted {key:{id}}', async () => {
    const res = await send('sendText', { number: alice.phone, text: 'hello @' + bob.phone, delay: 100, linkPreview: false, mentioned: [`${bob.phone}@s.whatsapp.net`] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject(record(alice.jid, expect.stringMatching(/^(conversation|extendedTextMessage)$/)));
    firstId = res.body.key.id;
    const got = (await received(firstId)).message as { extendedTextMessage: { text: string; contextInfo: { mentionedJid: string[] } } };
    expect(got.extendedTextMessage.contextInfo.mentionedJid).toEqual([bob.jid]);
    await hook('send-message', (w) => w.body.data.key.id === firstId);

    const reply = await send('sendText', { number: alice.phone, text: 'replying', quoted: { key: { id: firstId } } });
    expect(reply.status).toBe(201);
    const ext = ((await received(reply.body.key.id)).message as { extendedTextMessage: { contextInfo: { stanzaId: string } } }).extendedTextMessage;
    expect(ext.contextInfo.stanzaId).toBe(firstId);
    expect(await send('sendText', { number: alice.phone })).toEqual({ status: 400, body: envelope(400, 'Bad Request', 'text') });
  });

  it('rows 13-16 sendImage / sendVideo / sendDocument / sendAudio: uploaded to the media host, the recipient gets the media message', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['sendMedia', { mediatype: 'image', media: PNG.toString('base64'), mimetype: 'image/png', caption: 'an image', fileName: 'image.png' }, 'imageMessage'],
      ['sendMedia', { mediatype: 'video', media: `${webBase}/clip.mp4`, mimetype: 'video/mp4', caption: 'a video', fileName: 'video.mp4' }, 'videoMessage'],
      ['sendMedia', { mediatype: 'document', media: `data:application/pdf;base64,${Buffer.from('%PDF-1.4 test').toString('base64')}`, mimetype: 'application/pdf', caption: 'a document', fileName: 'document.pdf' }, 'documentMessage'],
      ['sendWhatsAppAudio', { audio: `${webBase}/audio.mp3`, mimetype: 'audio/mp3', fileName: 'audio.mp3', delay: 0 }, 'audioMessage'],
    ];
    for (const [action, body, type] of cases) {
      const res = await send(action, { number: alice.phone, ...body });
      expect({ type, status: res.status, body: res.status === 201 ? undefined : res.body }).toEqual({ type, status: 201, body: undefined });
      expect(res.body).toMatchObject(record(alice.jid, type));
      const got = (await received(res.body.key.id)).message as Record<string, { url?: string; directPath?: string }>;
      const media = got[type] ?? (got.documentWithCaptionMessage as unknown as { message: Record<string, { directPath?: string }> })?.message?.[type];
      expect(media?.directPath).toMatch(/^\/mms\//);
      expect(env.fake.media!.uploads.get(media!.directPath!)?.bytes.length).toBeGreaterThan(0);
    }
    const bad = await send('sendMedia', { number: alice.phone, mediatype: 'image', media: 'not a url or base64 !', mimetype: 'image/jpeg', caption: '', fileName: 'image.jpg' });
    expect(bad).toEqual({ status: 400, body: envelope(400, 'Bad Request', 'media') });
  });

  it('rows 17-18 sendButtons (copy, url, call) and sendPix: 201; the recipient gets the native flow buttons', async () => {
    const buttons = await send('sendButtons', {
      number: alice.phone,
      title: 'Order 42',
      description: 'Thanks!',
      footer: 'shop',
      buttons: [
        { type: 'copy', displayText: 'Copy code', copyCode: 'ABC-42' },
        { type: 'url', displayText: 'Track', url: 'https://example.com/42' },
        { type: 'call', displayText: 'Call us', phoneNumber: '+5511999990000' },
      ],
    });
    expect(buttons.status).toBe(201);
    expect(buttons.body).toMatchObject({ key: { remoteJid: alice.jid, fromMe: true }, status: 'PENDING', instanceId });
    const flow = ((await received(buttons.body.key.id)).message as any).viewOnceMessage.message.interactiveMessage; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(flow.nativeFlowMessage.buttons.map((b: { name: string }) => b.name)).toEqual(['cta_copy', 'cta_url', 'cta_call']);

    const pix = await send('sendButtons', { number: alice.phone, buttons: [{ type: 'pix', currency: 'BRL', name: 'Shop', keyType: 'email', key: 'pay@shop.test' }] });
    expect(pix.status).toBe(201);
    expect(pix.body).toMatchObject({ key: { remoteJid: alice.jid, fromMe: true }, instanceId });
    await received(pix.body.key.id);
    const four = await send('sendButtons', { number: alice.phone, title: 't', description: 'd', buttons: Array.from({ length: 4 }, (_, i) => ({ type: 'reply', displayText: `b${i}`, id: `b${i}` })) });
    expect(four).toEqual({ status: 400, body: envelope(400, 'Bad Request', 'buttons') });
  });

  it('rows 19-22 sendList, sendPoll, sendContact, sendReaction: 201 and the recipient gets each', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['sendList', { number: alice.phone, title: 'Menu', description: 'Pick', buttonText: 'Open', footerText: '', sections: [{ title: 'Mains', rows: [{ title: 'Pizza', description: 'cheese', rowId: 'p1' }] }] }, 'listMessage'],
      ['sendPoll', { number: alice.phone, name: 'Lunch?', selectableCount: 1, values: ['Pizza', 'Sushi'] }, 'pollCreationMessageV3'],
      ['sendContact', { number: alice.phone, contact: [{ fullName: 'Carol Lima', wuid: carol.phone, phoneNumber: `+${carol.phone}`, organization: 'Acme', email: 'carol@acme.test', url: 'https://acme.test' }] }, 'contactMessage'],
      ['sendReaction', { key: { remoteJid: alice.jid, fromMe: true, id: firstId }, reaction: '👍' }, 'reactionMessage'],
    ];
    for (const [action, body, type] of cases) {
      const res = await send(action, body);
      expect({ action, status: res.status }).toEqual({ action, status: 201 });
      expect(res.body).toMatchObject({ key: { remoteJid: alice.jid, fromMe: true }, status: 'PENDING', instanceId });
      expect((await received(res.body.key.id)).message).toHaveProperty(type);
    }
    const poll = await send('sendPoll', { number: alice.phone, name: 'q', selectableCount: 1, values: ['only'] });
    expect(poll).toEqual({ status: 400, body: envelope(400, 'Bad Request', 'values') });
  });

  it('row 23 sendStories: text status to all stored contacts, and to a list', async () => {
    const key = await env.fake.sendMessage(me.jid, bob.phone, { conversation: 'hi, Bob here' });
    await hook('messages-upsert', (w) => w.body.data.key.id === key.id);
    // the store writer runs beside delivery and has no event of its own: retry, bounded
    const body = { type: 'text', content: 'open until 8', backgroundColor: '#008000', font: 1, allContacts: true };
    let all = await send('sendStatus', body);
    for (const until = Date.now() + 10_000; all.status === 400 && Date.now() < until; all = await send('sendStatus', body)) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(all.status).toBe(201);
    expect(all.body).toMatchObject({ key: { remoteJid: 'status@broadcast', fromMe: true }, instanceId });
    expect((await received(all.body.key.id)).recipients.map((r) => r.jid)).toEqual(expect.arrayContaining([bob.jid, me.jid]));
    const listed = await send('sendStatus', { type: 'text', content: 'vip only', backgroundColor: '#000000', font: 2, allContacts: false, statusJidList: [bob.phone] });
    expect(listed.status).toBe(201);
    expect((await received(listed.body.key.id)).recipients.map((r) => r.jid)).toEqual(expect.arrayContaining([bob.jid]));
    const none = await send('sendStatus', { type: 'text', content: 'x', backgroundColor: '#000000', font: 1, allContacts: false });
    expect(none).toEqual({ status: 400, body: envelope(400, 'Bad Request', 'statusJidList') });
  });

  it('row 46 createGroup: 201 with the metadata; the fake holds the group', async () => {
    const res = await group('POST', 'create', '', { subject: 'n8n group', description: 'from n8n', participants: [alice.phone, bob.phone] });
    expect(res.status).toBe(201);
    groupJid = res.body.id;
    expect(res.body).toMatchObject({ id: expect.stringMatching(/@g\.us$/), subject: 'n8n group', owner: me.jid, desc: 'from n8n' });
    expect(env.fake.getGroup(groupJid)!.participants.map((p) => p.jid).sort()).toEqual([me.jid, alice.jid, bob.jid].sort());
    expect(await group('POST', 'create', '', { subject: 'x', participants: ['abc'] })).toEqual({ status: 400, body: envelope(400, 'Bad Request', 'participants') });
  });

  it('rows 55-59 description, name, picture, participants, settings (?groupJid= plus body)', async () => {
    const q = `?groupJid=${groupJid}`;
    expect(await group('POST', 'updateGroupDescription', q, { description: 'new rules' })).toEqual({ status: 201, body: { update: 'success' } });
    expect(await group('POST', 'updateGroupSubject', q, { subject: 'Renamed' })).toEqual({ status: 201, body: { update: 'success' } });
    expect(await group('POST', 'updateGroupPicture', q, { image: `${webBase}/image.png` })).toEqual({ status: 201, body: { update: 'success' } });
    expect(env.fake.getGroup(groupJid)).toMatchObject({ description: 'new rules', subject: 'Renamed', pictureId: expect.any(String) });
    const added = await group('POST', 'updateParticipant', q, { action: 'add', participants: [carol.phone] });
    expect(added).toEqual({ status: 201, body: { updateParticipants: [expect.objectContaining({ status: '200', jid: carol.jid })] } });
    expect(await group('POST', 'updateSetting', q, { action: 'announcement' })).toEqual({ status: 201, body: { updateSetting: true } });
    expect(env.fake.getGroup(groupJid)!.announce).toBe(true);
    expect(await group('POST', 'updateSetting', q, { action: 'everyone' })).toEqual({ status: 400, body: envelope(400, 'Bad Request', 'action') });
  });

  it('rows 47-49 fetchGroups (findGroupInfos, fetchAllGroups), fetchInviteCode, findParticipants with stored names', async () => {
    // Alice writes in the group, so the store knows her push name
    const key = await env.fake.sendMessage(me.jid, alice.phone, { conversation: 'hi all' }, { group: groupJid });
    await hook('messages-upsert', (w) => w.body.data.key.id === key.id);
    const info = await group('GET', 'findGroupInfos', `?groupJid=${groupJid}`);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ id: groupJid, subject: 'Renamed', desc: 'new rules', size: 4, announce: true, participants: expect.any(Array) });
    const all = await group('GET', 'fetchAllGroups', '?getParticipants=false');
    expect(all.status).toBe(200);
    expect(all.body).toEqual(expect.arrayContaining([expect.objectContaining({ id: groupJid, subject: 'Renamed' })]));
    expect(all.body[0]).not.toHaveProperty('participants');
    const code = await group('GET', 'inviteCode', `?groupJid=${groupJid}`);
    expect(code).toEqual({ status: 200, body: { inviteUrl: expect.stringMatching(/^https:\/\/chat\.whatsapp\.com\/\w+$/), inviteCode: env.fake.getGroup(groupJid)!.inviteCode } });
    const members = await group('GET', 'participants', `?groupJid=${groupJid}`);
    expect(members.status).toBe(200);
    expect(members.body.participants).toEqual(expect.arrayContaining([
      expect.objectContaining({ id: alice.jid, admin: null, name: 'Alice' }),
      expect.objectContaining({ id: me.jid, admin: 'superadmin' }),
    ]));
    expect(await group('GET', 'findGroupInfos')).toEqual({ status: 400, body: envelope(400, 'Bad Request', 'The group id needs to be informed in the query') });
    expect(await group('GET', 'fetchAllGroups')).toEqual({ status: 400, body: envelope(400, 'Bad Request', 'getParticipants') });
  });

  it('rows 52-54 revokeInviteCode, sendInviteLink, toggleEphemeral', async () => {
    const before = env.fake.getGroup(groupJid)!.inviteCode;
    const revoked = await group('POST', 'revokeInviteCode', `?groupJid=${groupJid}`);
    expect(revoked).toEqual({ status: 201, body: { revoked: true, inviteCode: env.fake.getGroup(groupJid)!.inviteCode } });
    expect(revoked.body.inviteCode).not.toBe(before);
    const sent = await group('POST', 'sendInvite', '', { groupJid, description: 'Join us', numbers: [carol.phone] });
    expect(sent).toEqual({ status: 200, body: { send: true, inviteUrl: `https://chat.whatsapp.com/${revoked.body.inviteCode}` } });
    expect(await group('POST', 'toggleEphemeral', `?groupJid=${groupJid}`, { expiration: 86400 })).toEqual({ status: 201, body: { success: true } });
    expect(await group('POST', 'toggleEphemeral', `?groupJid=${groupJid}`, { expiration: 5 })).toEqual({ status: 400, body: envelope(400, 'Bad Request', 'expiration') });
  });

  it('rows 47, 50, 51 inviteInfo and joinGroup by code, then leaveGroup', async () => {
    const other = env.fake.createGroup(bob.phone, "Bob's group", [carol.phone]);
    const info = await group('GET', 'inviteInfo', `?inviteCode=${other.inviteCode}`);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ id: other.id, subject: "Bob's group", owner: bob.jid });
    expect(await group('GET', 'acceptInviteCode', `?inviteCode=${other.inviteCode}`)).toEqual({ status: 200, body: { accepted: true, groupJid: other.id } });
    expect(env.fake.getGroup(other.id)!.participants.map((p) => p.jid)).toContain(me.jid);
    expect(await group('DELETE', 'leaveGroup', `?groupJid=${other.id}`)).toEqual({ status: 200, body: { groupJid: other.id, leave: true } });
    expect(env.fake.getGroup(other.id)!.participants.map((p) => p.jid)).not.toContain(me.jid);
    expect((await group('GET', 'acceptInviteCode', '?inviteCode=short')).status).toBe(400);
  });
});
