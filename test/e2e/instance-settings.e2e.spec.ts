import type { BinaryNode } from '@whiskeysockets/baileys';
import { STATUS_BROADCAST_JID, type GatewayProcess, type ReceivedWebhook } from '@gw/testing';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';

/**
 * /settings set/find and the settings honoured by the running instance without a restart:
 * readMessages, readStatus, groupsIgnore, rejectCall + msgCall, alwaysOnline (also after a
 * reconnect); and syncFullHistory, which Baileys advertises when it registers a new device.
 */
describe('instance settings (e2e)', () => {
  const env = new E2eEnvironment();
  const NAME = 'settled';
  let gateway: GatewayProcess;
  let me: { jid: string; phone: string };
  let alice: { jid: string; phone: string };

  beforeAll(async () => {
    await env.start();
    gateway = await env.startGateway();
    ({ me } = await env.linkInstance(gateway, NAME));
    alice = env.fake.createAccount({ pushName: 'Alice' });
  });

  afterAll(() => env.stop());

  const set = (body: unknown) => gateway.api('POST', `/settings/set/${NAME}`, { apikey: API_KEY, body });
  const find = () => gateway.api('GET', `/settings/find/${NAME}`, { apikey: API_KEY });
  const hook = (suffix: string, pred: (w: ReceivedWebhook) => boolean) =>
    env.receiver.waitFor((w) => w.path === `/hooks/${suffix}` && pred(w), 20_000, `/hooks/${suffix}`);
  const stanza = (pred: (n: BinaryNode) => boolean) => env.fake.waitFor('stanza', (s) => pred(s.node), 10_000).then((s) => s.node);
  const kids = (n: BinaryNode) => (Array.isArray(n.content) ? n.content : []);
  const OFF = { rejectCall: false, msgCall: '', groupsIgnore: false, alwaysOnline: false, readMessages: false, readStatus: false, syncFullHistory: false };

  it('find returns the 8 fields written at create; set (n8n body) answers {settings:{instanceName, settings}} and is stored', async () => {
    expect(await find()).toEqual({ status: 200, body: { ...OFF, wavoipToken: '' } });
    const body = { rejectCall: false, msgCall: '', groupsIgnore: false, alwaysOnline: false, readMessages: true, syncFullHistory: false, readStatus: false };
    const res = await set(body);
    expect(res).toEqual({ status: 201, body: { settings: { instanceName: NAME, settings: { ...body, wavoipToken: '' } } } });
    expect((await find()).body).toMatchObject({ readMessages: true });
  });

  it('v1 snake_case body is accepted; bad types are a 400 naming the field', async () => {
    const res = await set({ reject_call: false, msg_call: '', groups_ignore: false, always_online: false, read_messages: true, read_status: false, sync_full_history: true });
    expect(res.status).toBe(201);
    expect(res.body.settings.settings).toMatchObject({ readMessages: true, syncFullHistory: true });
    const bad = await set({ rejectCall: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.response.message.join(' ')).toContain('rejectCall');
  });

  it('readMessages: incoming messages get read receipts without any API call', async () => {
    const read = env.fake.waitFor('client-receipt', (r) => r.type === 'read' && r.to === alice.jid);
    const key = await env.fake.sendMessage(me.jid, alice.phone, { conversation: 'auto read' });
    expect((await read).ids).toContain(key.id);
  });

  it('groupsIgnore: group messages produce no events, 1:1 messages still do', async () => {
    await set({ ...OFF, groupsIgnore: true });
    const group = env.fake.createGroup(alice.phone, 'Noisy', [me.phone]);
    const inGroup = await env.fake.sendMessage(group.id, alice.phone, { conversation: 'in the group' });
    const direct = await env.fake.sendMessage(me.jid, alice.phone, { conversation: 'direct' });
    await hook('messages-upsert', (w) => w.body.data.key.id === direct.id);
    expect(env.receiver.received.some((w) => w.body?.data?.key?.id === inGroup.id)).toBe(false);
    const [row] = await env.db.query<{ n: string }>('SELECT count(*)::text AS n FROM "Message" WHERE "keyId" = $1', [inGroup.id]);
    expect(row.n).toBe('0');
    // the same group's messages flow again once the setting is off (so the above was the filter)
    await set({ ...OFF });
    const later = await env.fake.sendMessage(group.id, alice.phone, { conversation: 'heard again' });
    await hook('messages-upsert', (w) => w.body.data.key.id === later.id);
  });

  it('rejectCall + msgCall: an incoming call is rejected, then the caller gets the text', async () => {
    await set({ ...OFF, rejectCall: true, msgCall: 'I do not take calls' });
    const rejected = stanza((n) => n.tag === 'call' && kids(n)[0]?.tag === 'reject');
    const textOf = (m: { message?: Record<string, unknown> }) => {
      const msg = (m.message ?? {}) as { conversation?: string; extendedTextMessage?: { text?: string } };
      return msg.conversation ?? msg.extendedTextMessage?.text;
    };
    const text = env.fake.waitFor('client-message', (m) => textOf(m) === 'I do not take calls');
    const { id } = env.fake.sendCall(me.jid, alice.phone);
    const reject = await rejected;
    expect(kids(reject)[0].attrs['call-id']).toBe(id);
    expect((await text).recipients).toEqual(expect.arrayContaining([expect.objectContaining({ decrypted: true })]));
  });

  it('alwaysOnline: online at once when switched on, and again after a reconnect', async () => {
    const now = stanza((n) => n.tag === 'presence' && n.attrs.type === 'available');
    await set({ ...OFF, alwaysOnline: true });
    await now;
    const again = stanza((n) => n.tag === 'presence' && n.attrs.type === 'available');
    env.fake.kick(me.jid, 'connectionLost');
    await hook('connection-update', (w) => w.body.data.state === 'open');
    await again;
  });

  it('readStatus: a contact\'s status gets a read receipt and arrives as MESSAGES_UPSERT', async () => {
    await set({ ...OFF, readStatus: true });
    const read = env.fake.waitFor('client-receipt', (r) => r.type === 'read' && r.to === STATUS_BROADCAST_JID);
    const posted = await env.fake.statuses.post([me.jid], alice.phone, { conversation: 'my story' });
    const upsert = await hook('messages-upsert', (w) => w.body.data.key.id === posted.key.id);
    expect(upsert.body.data.key).toMatchObject({ remoteJid: STATUS_BROADCAST_JID, participant: alice.jid, fromMe: false });
    expect(upsert.body.data.message.conversation).toBe('my story');
    expect(await read).toMatchObject({ ids: [posted.key.id], participant: alice.jid });
  });

  it('readStatus off: statuses still arrive but are not read, while messages are (readMessages on)', async () => {
    await set({ ...OFF, readMessages: true });
    const posted = await env.fake.statuses.post([me.jid], alice.phone, { conversation: 'unseen story' });
    await hook('messages-upsert', (w) => w.body.data.key.id === posted.key.id);
    // the gateway reads in event order: once the later message is read, a status receipt would have been sent
    const readMessage = env.fake.waitFor('client-receipt', (r) => r.type === 'read' && r.to === alice.jid);
    const key = await env.fake.sendMessage(me.jid, alice.phone, { conversation: 'after the story' });
    expect((await readMessage).ids).toContain(key.id);
    const statusReceipts = env.fake.statuses.receiptsFor(posted.key.id);
    expect(statusReceipts.length).toBeGreaterThan(0); // delivered to the gateway's device…
    expect(statusReceipts.filter((r) => r.type === 'read' || r.type === 'read-self')).toEqual([]); // …but never read
  });

  it('syncFullHistory: a registering device advertises requireFullSync from the next connect (restart) on; a linked one does not re-send it', async () => {
    const name = 'fullsync';
    const ofThis = (w: ReceivedWebhook) => w.path === '/hooks/full/qrcode-updated' && w.body.instance === name;
    const first = env.fake.waitFor('registration');
    const created = await gateway.api('POST', '/instance/create', {
      apikey: API_KEY,
      body: { instanceName: name, qrcode: true, webhook: { url: `${env.receiver.url}/hooks/full`, byEvents: true, events: [] } },
    });
    expect(created.status).toBe(201);
    expect((await first).companionProps).toMatchObject({ requireFullSync: false });

    expect((await gateway.api('POST', `/settings/set/${name}`, { apikey: API_KEY, body: { syncFullHistory: true } })).status).toBe(201);
    const second = env.fake.waitFor('registration');
    const restarted = await gateway.api('POST', `/instance/restart/${name}`, { apikey: API_KEY });
    expect(restarted.status).toBe(200);
    const registration = await second;
    expect(registration.companionProps).toMatchObject({ requireFullSync: true, historySyncConfig: expect.any(Object) });

    const qr = await env.receiver.waitFor((w) => ofThis(w) && String(w.body.data.qrcode.code).includes(registration.refs[0]), 20_000, 'QR after restart');
    const paired = await env.fake.scan(qr.body.data.qrcode.code);
    const device = env.fake.accounts.find((a) => a.jid === paired.jid)?.devices.find((d) => d.jid === paired.deviceJid);
    expect(device?.companionProps?.requireFullSync).toBe(true);
    await env.receiver.waitFor((w) => w.path === '/hooks/full/connection-update' && w.body.instance === name && w.body.data.state === 'open');

    // a linked device logs in without DeviceProps: a restart does not advertise the setting again
    const registrations: string[] = [];
    const onRegistration = (r: { id: string }) => registrations.push(r.id);
    env.fake.on('registration', onRegistration);
    const login = env.fake.waitFor('login', (l) => l.deviceJid === paired.deviceJid);
    expect((await gateway.api('POST', `/instance/restart/${name}`, { apikey: API_KEY })).status).toBe(200);
    await login;
    env.fake.off('registration', onRegistration);
    expect(registrations).toEqual([]);
  });
});
