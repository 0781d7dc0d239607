import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { HttpConnectProxy, loadBaileys, type GatewayProcess, type ReceivedWebhook } from '@gw/testing';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';
import { N8nNode, envelope } from '../support/n8n-node';

/**
 * Every request of the n8n node (n8n-nodes-evolution-api@1.0.4, compat §11) for the instance,
 * configuration and chat resources (rows 1-11, 24-45), replayed with the node's exact method,
 * path, headers and body against one real gateway: real Baileys linked to our fake WhatsApp
 * server through the QR, a real webhook receiver. Sends and groups (rows 12-23, 46-59) are in
 * n8n-node-replay-sends-groups.e2e.spec.ts.
 */
describe('n8n node replay: instances, configuration, chats (e2e)', () => {
  const env = new E2eEnvironment();
  const NAME = 'n8n-replay';
  const TOKEN = 'n8n-replay-token-0001';
  let gateway: GatewayProcess;
  let n8n: N8nNode;
  let instanceId: string;
  let me: { jid: string };
  let alice: { jid: string; phone: string };
  const hooks = () => `${env.receiver.url}/n8n`;
  const hook = (suffix: string, pred: (w: ReceivedWebhook) => boolean = () => true) =>
    env.receiver.waitFor((w) => w.path === `/n8n/${suffix}` && w.body?.instance === NAME && pred(w), 20_000, `/n8n/${suffix}`);
  const chat = (method: string, action: string, body?: unknown) => n8n.request(method, `/chat/${action}/${NAME}`, body);

  /** The store writer has no event of its own: poll, bounded. */
  async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (ok(value) || Date.now() > until) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    await env.start();
    gateway = await env.startGateway({ SEND_MIN_INTERVAL_MS: '0', SEND_TIMEOUT_MS: '10000' });
    n8n = new N8nNode(gateway, API_KEY);
    alice = env.fake.createAccount({ pushName: 'Alice' });
  });

  afterAll(() => env.stop());

  it('row 1 createInstanceBasic: 201 with instance, hash (the token given), webhook and settings; 400/403 for bad input', async () => {
    const body = {
      instanceName: NAME,
      integration: 'WHATSAPP-BAILEYS',
      token: TOKEN,
      rejectCall: false,
      msgCall: '',
      groupsIgnore: false,
      alwaysOnline: false,
      readMessages: false,
      readStatus: false,
      syncFullHistory: false,
      webhook: { url: hooks(), byEvents: true, base64: false, events: ['QRCODE_UPDATED', 'CONNECTION_UPDATE', 'MESSAGES_UPSERT', 'MESSAGES_UPDATE', 'MESSAGES_DELETE', 'SEND_MESSAGE'] },
    };
    const res = await n8n.request('POST', '/instance/create', body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      instance: { instanceName: NAME, instanceId: expect.any(String), integration: 'WHATSAPP-BAILEYS', status: expect.any(String) },
      hash: TOKEN,
      webhook: { webhookUrl: hooks(), webhookByEvents: true, webhookBase64: false },
      settings: { rejectCall: false, msgCall: '', groupsIgnore: false, alwaysOnline: false, readMessages: false, readStatus: false, syncFullHistory: false },
    });
    instanceId = res.body.instance.instanceId;

    const taken = await n8n.request('POST', '/instance/create', body);
    expect(taken).toEqual({ status: 403, body: envelope(403, 'Forbidden', `This name "${NAME}" is already in use.`) });
    const nameless = await n8n.request('POST', '/instance/create', { integration: 'WHATSAPP-BAILEYS' });
    expect(nameless).toEqual({ status: 400, body: envelope(400, 'Bad Request', 'instanceName') });
    const badIntegration = await n8n.request('POST', '/instance/create', { instanceName: 'other', integration: 'WHATSAPP' });
    expect(badIntegration).toEqual({ status: 400, body: envelope(400, 'Bad Request', 'Invalid integration') });
  });

  it('row 2 instanceConnect: 200 with the QR (code, base64, count); scanning it opens the instance', async () => {
    const res = await n8n.request('GET', `/instance/connect/${NAME}`);
    expect(res.status).toBe(200);
    // Baileys 7 QR strings carry WhatsApp's linked-devices URL before the 2@ ref
    expect(res.body).toMatchObject({ code: expect.stringMatching(/2@/), base64: expect.stringMatching(/^data:image\/png;base64,/), count: expect.any(Number) });
    me = await env.fake.scan(res.body.code, { pushName: 'Gateway' });
    await hook('connection-update', (w) => w.body.data.state === 'open');
    const open = await n8n.request('GET', `/instance/connect/${NAME}`);
    expect(open).toEqual({ status: 200, body: { instance: { instanceName: NAME, state: 'open' } } });
  });

  it('row 3 fetchInstances and the credential test: global key sees all, the instance token only its own', async () => {
    const one = await n8n.request('GET', `/instance/fetchInstances?instanceName=${NAME}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual([
      expect.objectContaining({ id: instanceId, name: NAME, connectionStatus: 'open', ownerJid: me.jid, integration: 'WHATSAPP-BAILEYS', token: TOKEN }),
    ]);
    expect(one.body[0]).toMatchObject({ Setting: { rejectCall: false }, _count: { Message: expect.any(Number), Contact: expect.any(Number), Chat: expect.any(Number) } });

    await n8n.request('POST', '/instance/create', { instanceName: 'someone-else', integration: 'WHATSAPP-BAILEYS' });
    const global = await n8n.request('GET', '/instance/fetchInstances');
    expect(global.status).toBe(200);
    expect(global.body.map((i: { name: string }) => i.name).sort()).toEqual([NAME, 'someone-else']);
    const asInstance = await new N8nNode(gateway, TOKEN).request('GET', '/instance/fetchInstances');
    expect(asInstance.status).toBe(200);
    expect(asInstance.body.map((i: { name: string }) => i.name)).toEqual([NAME]);

    expect((await new N8nNode(gateway, 'wrong-key').request('GET', '/instance/fetchInstances')).status).toBe(401);
    const unknown = await n8n.request('GET', '/instance/fetchInstances?instanceName=nobody');
    expect(unknown).toEqual({ status: 404, body: envelope(404, 'Not Found', 'Instance "nobody" not found') });
    await n8n.request('DELETE', '/instance/delete/someone-else');
  });

  it('row 7 setPresence: 201 {presence}; WhatsApp gets <presence>; 400 for another value', async () => {
    const online = env.fake.waitFor('stanza', (s) => s.node.tag === 'presence' && s.node.attrs.type === 'available', 10_000);
    expect(await n8n.request('POST', `/instance/setPresence/${NAME}`, { presence: 'available' })).toEqual({ status: 201, body: { presence: 'available' } });
    await online;
    expect(await n8n.request('POST', `/instance/setPresence/${NAME}`, { presence: 'unavailable' })).toEqual({ status: 201, body: { presence: 'unavailable' } });
    expect(await n8n.request('POST', `/instance/setPresence/${NAME}`, { presence: 'busy' })).toEqual({ status: 400, body: envelope(400, 'Bad Request', 'presence') });
  });

  it('row 8 instanceSettings: 201 {settings:{instanceName, settings}}; the find route shows them; 400 names the field', async () => {
    const body = { rejectCall: true, msgCall: 'No calls, please', groupsIgnore: false, alwaysOnline: false, readMessages: false, syncFullHistory: false, readStatus: false };
    const res = await n8n.request('POST', `/settings/set/${NAME}`, body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ settings: { instanceName: NAME, settings: expect.objectContaining(body) } });
    expect((await n8n.request('GET', `/settings/find/${NAME}`)).body).toMatchObject(body);
    const bad = await n8n.request('POST', `/settings/set/${NAME}`, { ...body, rejectCall: 'yes' });
    expect(bad).toEqual({ status: 400, body: envelope(400, 'Bad Request', 'rejectCall') });
  });

  it('row 9 setProxy: the node\'s body (port as a string, empty credentials allowed) sets a real proxy; the instance reconnects through it without a QR; find shows it without the password', async () => {
    const proxy = await new HttpConnectProxy('n8n-user', 'n8n-pass', '127.0.0.3').start();
    try {
      const since = Date.now();
      const body = { enabled: true, host: '127.0.0.1', port: String(proxy.port), protocol: 'http', username: 'n8n-user', password: 'n8n-pass' };
      const res = await n8n.request('POST', `/proxy/set/${NAME}`, body);
      expect(res).toEqual({
        status: 201,
        body: { proxy: { instanceName: NAME, instanceId, proxy: { enabled: true, host: '127.0.0.1', port: String(proxy.port), protocol: 'http', username: 'n8n-user' } } },
      });
      await hook('connection-update', (w) => w.receivedAt >= since && w.body.data.state === 'open');
      await proxy.waitFor((c) => c.target === new URL(env.fake.url).host && c.at >= since);
      expect(env.fake.connections.find((c) => c.jid === me.jid && c.phase === 'logged-in')?.remoteAddress).toBe('127.0.0.3');
      const found = await n8n.request('GET', `/proxy/find/${NAME}`);
      expect(found).toEqual({
        status: 200,
        body: { id: expect.any(String), enabled: true, host: '127.0.0.1', port: String(proxy.port), protocol: 'http', username: 'n8n-user', createdAt: expect.any(String), updatedAt: expect.any(String), instanceId },
      });
      // the node's placeholder values are refused with the reason, not stored
      const placeholder = await n8n.request('POST', `/proxy/set/${NAME}`, { enabled: true, host: '1234', port: '1234', protocol: 'http', username: '', password: '' });
      expect(placeholder.status).toBe(400);
      expect(placeholder.body.response.message[0]).toMatch(/^proxy unreachable: /);
      // and switching it off (the node sends the same shape) goes direct again
      const off = Date.now();
      const disabled = await n8n.request('POST', `/proxy/set/${NAME}`, { enabled: false, host: '', port: '', protocol: 'http', username: '', password: '' });
      expect(disabled.status).toBe(201);
      await hook('connection-update', (w) => w.receivedAt >= off && w.body.data.state === 'open');
      expect(env.fake.connections.find((c) => c.jid === me.jid && c.phase === 'logged-in')?.remoteAddress).toBe('127.0.0.1');
    } finally {
      await proxy.stop();
    }
  });

  it('row 11 setRabbitMQ: served; on a gateway without RABBITMQ_ENABLED a 400 in the envelope says so (test/e2e/rabbitmq-events covers the broker)', async () => {
    const cases: [string, string, unknown][] = [
      ['POST', `/rabbitmq/set/${NAME}`, { rabbitmq: { enabled: true, events: ['MESSAGES_UPSERT'] } }],
      ['GET', `/rabbitmq/find/${NAME}`, undefined],
    ];
    for (const [method, path, body] of cases) {
      const res = await n8n.request(method, path, body);
      expect({ path, res }).toEqual({ path, res: { status: 400, body: envelope(400, 'Bad Request', 'RabbitMQ is disabled on this gateway (set RABBITMQ_ENABLED=true and RABBITMQ_URI)') } });
    }
  });

  it('row 10 setWebhook: every event the node offers is accepted; find returns the row; "vazio" is a 400 unless disabling', async () => {
    const events = [
      'CALL', 'CHATS_DELETE', 'CHATS_SET', 'CHATS_UPDATE', 'CHATS_UPSERT', 'CONNECTION_UPDATE', 'CONTACTS_SET', 'CONTACTS_UPDATE',
      'CONTACTS_UPSERT', 'GROUPS_UPSERT', 'GROUP_PARTICIPANTS_UPDATE', 'GROUP_UPDATE', 'LABELS_ASSOCIATION', 'LABELS_EDIT',
      'MESSAGES_DELETE', 'MESSAGES_SET', 'MESSAGES_UPDATE', 'MESSAGES_UPSERT', 'PRESENCE_UPDATE', 'QRCODE_UPDATED', 'SEND_MESSAGE',
      'TYPEBOT_CHANGE_STATUS', 'TYPEBOT_START',
    ];
    const res = await n8n.request('POST', `/webhook/set/${NAME}`, { webhook: { enabled: true, url: hooks(), webhookByEvents: true, webhookBase64: false, events } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.any(String), url: hooks(), enabled: true, webhookByEvents: true, webhookBase64: false, instanceId, events: expect.any(Array) });
    // stored by canonical name: the legacy GROUP_UPDATE is groups.update
    expect(res.body.events).toEqual(expect.arrayContaining(['MESSAGES_UPSERT', 'GROUPS_UPDATE', 'TYPEBOT_START', 'CALL']));
    const found = await n8n.request('GET', `/webhook/find/${NAME}`);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ url: hooks(), enabled: true, webhookByEvents: true, instanceId });
    // the byEvents flag really routes: a message lands on /n8n/messages-upsert
    const key = await env.fake.sendMessage(me.jid, alice.phone, { conversation: 'after webhook set' });
    await hook('messages-upsert', (w) => w.body.data.key.id === key.id);

    // the node sends url "vazio" ("empty") when its URL field is left blank
    const vazio = await n8n.request('POST', `/webhook/set/${NAME}`, { webhook: { enabled: true, url: 'vazio', webhookByEvents: false, webhookBase64: false, events: [] } });
    expect(vazio).toEqual({ status: 400, body: envelope(400, 'Bad Request', 'webhook.url must be an http(s) URL') });
    expect((await n8n.request('GET', `/webhook/find/${NAME}`)).body.url).toBe(hooks());
    // ...which is harmless when the node disables the webhook: the last real URL is kept
    const off = await n8n.request('POST', `/webhook/set/${NAME}`, { webhook: { enabled: false, url: 'vazio', webhookByEvents: true, webhookBase64: false, events: [] } });
    expect(off.status).toBe(201);
    expect(off.body).toMatchObject({ enabled: false, url: hooks() });
    const on = await n8n.request('POST', `/webhook/set/${NAME}`, { webhook: { enabled: true, url: hooks(), webhookByEvents: true, webhookBase64: false, events: [] } });
    expect(on.body).toMatchObject({ enabled: true, url: hooks(), events: [] });
  });
  describe('chat resource (rows 24-45)', () => {
    const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const files = new Map<string, Buffer>();
    const media: Server = createServer((req, res) => {
      const file = files.get(req.url ?? '');
      res.writeHead(file ? 200 : 404).end(file ?? '');
    });
    let mediaBase: string;
    beforeAll(async () => {
      await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
      mediaBase = `http://127.0.0.1:${(media.address() as { port: number }).port}`;
      files.set('/avatar.png', PNG);
    });
    afterAll(() => new Promise<void>((r) => media.close(() => r())));

    const fromAlice = async (content: Record<string, unknown>) => {
      const key = await env.fake.sendMessage(me.jid, alice.phone, content);
      await hook('messages-upsert', (w) => w.body.data.key.id === key.id);
      return { remoteJid: alice.jid, fromMe: false, id: key.id };
    };
    const sendText = async (text: string) => {
      const res = await n8n.request('POST', `/message/sendText/${NAME}`, { number: alice.phone, text });
      expect(res.status).toBe(201);
      return res.body.key as { remoteJid: string; fromMe: boolean; id: string };
    };

    it('row 24 checkNumber: 200 [{exists, jid, number, name}] with the name the store knows', async () => {
      await fromAlice({ conversation: 'hi, I am Alice' });
      const res = await eventually(
        () => chat('POST', 'whatsappNumbers', { numbers: [alice.phone, '5511977770000'] }),
        (r) => r.body?.[0]?.name === 'Alice',
      );
      expect(res).toEqual({
        status: 200,
        body: [
          { exists: true, jid: alice.jid, number: alice.phone, name: 'Alice' },
          { exists: false, jid: '5511977770000@s.whatsapp.net', number: '5511977770000' },
        ],
      });
      expect(await chat('POST', 'whatsappNumbers', { numbers: alice.phone })).toEqual({ status: 400, body: envelope(400, 'Bad Request', 'numbers') });
    });

    it('rows 25-27 readMessages, manageArchive, markChatUnread: 201 and WhatsApp gets the receipt / app-state patches', async () => {
      const key = await fromAlice({ conversation: 'read, archive, unread' });
      const receipt = env.fake.waitFor('client-receipt', (r) => r.type === 'read' && r.ids.includes(key.id));
      expect(await chat('POST', 'markMessageAsRead', { readMessages: [key] })).toEqual({ status: 201, body: { message: 'Read messages', read: 'success' } });
      await receipt;
      const archived = env.fake.waitFor('client-app-state', (p) => p.index[0] === 'archive' && p.index[1] === alice.jid);
      expect(await chat('POST', 'archiveChat', { lastMessage: { key }, chat: alice.jid, archive: true })).toEqual({ status: 201, body: { chatId: alice.jid, archived: true } });
      await archived;
      const unread = env.fake.waitFor('client-app-state', (p) => p.index[0] === 'markChatAsRead' && p.index[1] === alice.jid);
      expect(await chat('POST', 'markChatUnread', { lastMessage: { key }, chat: alice.jid })).toEqual({ status: 201, body: { chatId: alice.jid, markedChatUnread: true } });
      await unread;
      expect(await chat('POST', 'markMessageAsRead', { readMessages: [{ remoteJid: alice.jid, fromMe: 'no', id: key.id }] })).toEqual({ status: 400, body: envelope(400, 'Bad Request', 'fromMe') });
    });

    it('row 28 deleteMessage (DELETE with a JSON body): 201 with the revoke; the recipient gets it', async () => {
      const key = await sendText('to be deleted');
      const revoke = env.fake.waitFor('client-message', (m) => (m.message as { protocolMessage?: { key?: { id?: string } } })?.protocolMessage?.key?.id === key.id);
      const res = await chat('DELETE', 'deleteMessageForEveryone', { id: key.id, fromMe: true, remoteJid: alice.jid });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ key: { remoteJid: alice.jid, fromMe: true, id: expect.any(String) }, message: { protocolMessage: { type: 'REVOKE', key: { id: key.id } } } });
      await revoke;
      expect((await chat('DELETE', 'deleteMessageForEveryone', { fromMe: true, remoteJid: alice.jid })).status).toBe(400);
    });

    it('row 30 getMediaBase64: an encrypted image from a contact comes back as the same bytes', async () => {
      const baileys = await loadBaileys();
      const bytes = randomBytes(4096);
      const enc = await baileys.encryptedStream(bytes, 'image');
      files.set('/photo.enc', await readFile(enc.encFilePath));
      await rm(enc.encFilePath, { force: true });
      const key = await fromAlice({
        imageMessage: {
          url: `${mediaBase}/photo.enc`,
          mimetype: 'image/jpeg',
          caption: 'a photo',
          mediaKey: enc.mediaKey,
          fileEncSha256: enc.fileEncSha256,
          fileSha256: enc.fileSha256,
          fileLength: enc.fileLength,
          width: 64,
          height: 48,
        },
      });
      const res = await chat('POST', 'getBase64FromMediaMessage', { message: { key: { id: key.id } }, convertToMp4: false });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        mediaType: 'imageMessage',
        fileName: null,
        caption: 'a photo',
        size: { fileLength: 4096, height: 48, width: 64 },
        mimetype: 'image/jpeg',
        base64: expect.any(String),
        buffer: null,
      });
      expect(Buffer.from(res.body.base64, 'base64').equals(bytes)).toBe(true);
      const unknown = await chat('POST', 'getBase64FromMediaMessage', { message: { key: { id: 'NOPE0000' } }, convertToMp4: false });
      expect(unknown).toEqual({ status: 400, body: envelope(400, 'Bad Request', 'Message not found') });
    });

    it('rows 29, 38, 39 fetchProfilePicture, fetchProfile, fetchBusinessProfile: 200 with what WhatsApp holds', async () => {
      const profile = env.fake.profileOf(alice.jid);
      profile.about = 'Available';
      profile.business = { description: 'Bakery', category: 'Food' };
      expect(await chat('POST', 'fetchProfilePictureUrl', { number: alice.phone })).toEqual({ status: 200, body: { wuid: alice.jid, profilePictureUrl: null } });
      const full = await chat('POST', 'fetchProfile', { number: alice.phone });
      expect(full.status).toBe(200);
      expect(full.body).toMatchObject({ wuid: alice.jid, numberExists: true, status: 'Available', isBusiness: true, description: 'Bakery' });
      const biz = await chat('POST', 'fetchBusinessProfile', { number: alice.phone });
      expect(biz.status).toBe(200);
      expect(biz.body).toMatchObject({ isBusiness: true, wid: alice.jid, description: 'Bakery', category: 'Food' });
    });

    it('rows 31-33 updateMessage, sendPresence, blockContact: the recipient gets the edit, the chat state, the blocklist changes', async () => {
      const key = await sendText('helo');
      const edit = env.fake.waitFor('client-message', (m) => (m.message as { protocolMessage?: { key?: { id?: string } } })?.protocolMessage?.key?.id === key.id);
      const res = await chat('POST', 'updateMessage', { number: alice.phone, key: { remoteJid: alice.jid, fromMe: true, id: key.id }, text: 'hello' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ key: { remoteJid: alice.jid, fromMe: true } });
      expect((await edit).edit).toBe('1');

      const composing = env.fake.waitFor('stanza', (s) => s.node.tag === 'chatstate' && s.node.attrs.to === alice.jid, 10_000);
      expect(await chat('POST', 'sendPresence', { number: alice.phone, presence: 'composing', delay: 300 })).toEqual({ status: 201, body: { presence: 'composing' } });
      await composing;

      expect(await chat('POST', 'updateBlockStatus', { number: alice.phone, status: 'block' })).toEqual({ status: 201, body: { block: 'success' } });
      expect([...env.fake.getAccount(me.jid)!.blocklist]).toContain(alice.jid);
      expect(await chat('POST', 'updateBlockStatus', { number: alice.phone, status: 'unblock' })).toEqual({ status: 201, body: { block: 'success' } });
      expect([...env.fake.getAccount(me.jid)!.blocklist]).not.toContain(alice.jid);
    });

    it('rows 34-37 findContacts, findChats, findMessages, findStatusMessages with the node bodies', async () => {
      const contacts = await chat('POST', 'findContacts', {});
      expect(contacts.status).toBe(200);
      expect(contacts.body).toEqual(expect.arrayContaining([expect.objectContaining({ id: expect.any(String), remoteJid: alice.jid, pushName: 'Alice', instanceId, type: 'contact' })]));
      const byId = await chat('POST', 'findContacts', { where: { id: alice.jid } });
      expect(byId.body.map((c: { remoteJid: string }) => c.remoteJid)).toEqual([alice.jid]);

      const chats = await chat('POST', 'findChats', { where: { remoteJid: alice.jid, id: alice.jid }, page: 1, offset: 50 });
      expect(chats.status).toBe(200);
      expect(chats.body).toEqual([expect.objectContaining({ id: expect.any(String), remoteJid: alice.jid, lastMessage: expect.any(Object), unreadCount: expect.any(Number) })]);

      const messages = await chat('POST', 'findMessages', { where: { key: { remoteJid: alice.jid } }, page: 1, offset: 2 });
      expect(messages.status).toBe(200);
      expect(messages.body.messages).toMatchObject({ total: expect.any(Number), pages: expect.any(Number), currentPage: 1 });
      expect(messages.body.messages.pages).toBeGreaterThan(1);
      expect(messages.body.messages.records).toHaveLength(2);
      expect(messages.body.messages.records[0]).toMatchObject({ id: expect.any(String), key: { remoteJid: alice.jid }, messageType: expect.any(String), instanceId, MessageUpdate: expect.any(Array) });

      const key = await sendText('status please');
      env.fake.sendReceipt({ remoteJid: alice.jid, id: key.id }, alice.phone, 'delivery');
      await hook('messages-update', (w) => w.body.data.keyId === key.id && w.body.data.status === 'DELIVERY_ACK');
      const body = { where: { instanceId: NAME, remoteJid: alice.jid, keyId: key.id }, page: 1, offset: 10 };
      const statuses = await eventually(() => chat('POST', 'findStatusMessage', body), (r) => r.body.length > 0);
      expect(statuses.status).toBe(200);
      expect(statuses.body[0]).toMatchObject({ id: expect.any(String), keyId: key.id, remoteJid: alice.jid, fromMe: true, status: 'DELIVERY_ACK', instanceId, messageId: expect.any(String) });
      expect(await chat('POST', 'findMessages', { where: { key: { remoteJid: alice.jid } }, page: 'one', offset: 5 })).toEqual({ status: 400, body: envelope(400, 'Bad Request', 'page') });
    });

    it('rows 40-45 privacy and own profile: fetch, update, name, status, picture (a URL), remove', async () => {
      const privacy = await chat('GET', 'fetchPrivacySettings');
      expect(privacy.status).toBe(200);
      expect(privacy.body).toMatchObject({ readreceipts: expect.any(String), profile: expect.any(String), last: expect.any(String) });
      const update = { readreceipts: 'none', profile: 'contacts', status: 'contacts', online: 'match_last_seen', last: 'contacts', groupadd: 'contacts' };
      const updated = await chat('POST', 'updatePrivacySettings', update);
      expect(updated.status).toBe(201);
      expect(env.fake.profileOf(me.jid).privacy).toMatchObject(update);

      expect(await chat('POST', 'updateProfileName', { name: 'Support' })).toEqual({ status: 200, body: { update: 'success' } });
      expect(await chat('POST', 'updateProfileStatus', { status: 'At work' })).toEqual({ status: 200, body: { update: 'success' } });
      expect(env.fake.profileOf(me.jid).about).toBe('At work');
      const picture = await chat('POST', 'updateProfilePicture', { picture: `${mediaBase}/avatar.png` });
      expect(picture).toEqual({ status: 200, body: { update: 'success' } });
      expect(env.fake.profileOf(me.jid).picture?.subarray(0, 3).toString('hex')).toBe('ffd8ff');
      expect(await chat('DELETE', 'removeProfilePicture')).toEqual({ status: 200, body: { update: 'success' } });
      expect(env.fake.profileOf(me.jid).picture).toBeUndefined();
      expect((await chat('POST', 'updatePrivacySettings', { ...update, groupadd: 'everyone' })).status).toBe(400);
    });
  });

  it('row 4 restartInstance: 200, and the instance is open again', async () => {
    const reopened = env.receiver.received.length;
    const res = await n8n.request('POST', `/instance/restart/${NAME}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ instance: { instanceName: NAME, state: expect.stringMatching(/^(open|connecting)$/) } });
    await env.receiver.waitFor((w) => env.receiver.received.indexOf(w) >= reopened && w.path === '/n8n/connection-update' && w.body.data.state === 'open');
    expect((await n8n.request('GET', `/instance/connectionState/${NAME}`)).body).toEqual({ instance: { instanceName: NAME, state: 'open' } });
  });

  it('rows 5-6 logoutInstance and deleteInstance: 200 in the SUCCESS envelope; WhatsApp sees the logout; the instance is gone', async () => {
    const res = await n8n.request('DELETE', `/instance/logout/${NAME}`);
    expect(res).toEqual({ status: 200, body: { status: 'SUCCESS', error: false, response: { message: 'Instance logged out' } } });
    await hook('logout-instance');
    expect(env.fake.logouts.length).toBeGreaterThan(0);
    const deleted = await n8n.request('DELETE', `/instance/delete/${NAME}`);
    expect(deleted).toEqual({ status: 200, body: { status: 'SUCCESS', error: false, response: { message: 'Instance deleted' } } });
    expect(await n8n.request('GET', `/instance/fetchInstances?instanceName=${NAME}`)).toEqual({ status: 404, body: envelope(404, 'Not Found', `Instance "${NAME}" not found`) });
    expect((await n8n.request('DELETE', `/instance/delete/${NAME}`)).status).toBe(404);
  });
});
