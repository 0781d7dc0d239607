import { randomBytes } from 'node:crypto';
import {
  ApiResponse,
  FakeGraphApiServer,
  GatewayProcess,
  NotificationAccount,
  fakeWamid,
  metaNotification,
  metaSignature,
  metaTextMessage,
} from '@gw/testing';
import { API_KEY, E2eEnvironment } from '../support/e2e-env';
import { eventually } from '../support/eventually';

/**
 * The message store for WhatsApp Cloud API instances: Meta's inbound text, image and status
 * notifications go through the same event pipeline as a Baileys instance's socket events, so
 * findMessages, findChats, findContacts and findStatusMessage answer for a WHATSAPP-BUSINESS
 * instance as they do for a Baileys one (a Baileys instance in the same gateway gets the same
 * traffic through the fake WhatsApp server, and the rows are compared field by field).
 */
describe('Cloud API message store (e2e)', () => {
  const env = new E2eEnvironment();
  const APP_SECRET = 'meta-app-secret-0123456789abcdef';
  const TOKEN = 'EAAG-store-access-token';
  const account: NotificationAccount = { businessAccountId: '102290129340777', phoneNumberId: '106540352242777', displayPhoneNumber: '15550783777' };
  const customer = { waId: '5511977776666', name: 'Carla' };
  const customerJid = `${customer.waId}@s.whatsapp.net`;
  let graph: FakeGraphApiServer;
  let gateway: GatewayProcess;
  let cloudId: string;
  let phoneId: string;
  let alice: { jid: string; phone: string };
  const ids = { text: fakeWamid(), image: fakeWamid(), sent: '', phoneText: '', phoneSent: '' };

  const api = (method: string, path: string, body?: unknown): Promise<ApiResponse> => gateway.api(method, path, { apikey: API_KEY, body });
  const find = (route: string, instance: string, body: unknown) => api('POST', `/chat/${route}/${instance}`, body);
  const postMeta = async (notification: unknown) => {
    const body = JSON.stringify(notification);
    const res = await fetch(`${gateway.url}/webhook/meta`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, APP_SECRET) },
      body,
    });
    expect(res.status).toBe(200);
  };
  const cloudHook = (event: string, pred: (data: Record<string, any>) => boolean) => // eslint-disable-line @typescript-eslint/no-explicit-any
    env.receiver.waitFor((w) => w.path === '/cloud' && w.body.event === event && pred(w.body.data), 20_000, event);
  const phoneHook = (suffix: string, pred: (data: Record<string, any>) => boolean) => // eslint-disable-line @typescript-eslint/no-explicit-any
    env.receiver.waitFor((w) => w.path === `/phone/${suffix}` && pred(w.body.data), 20_000, suffix);

  const keysOf = (o: object) => Object.keys(o).sort();

  beforeAll(async () => {
    await env.start();
    graph = await FakeGraphApiServer.start([{ ...account, token: TOKEN, verifiedName: 'Acme' }]);
    gateway = await env.startGateway({ WA_BUSINESS_URL: graph.url, WA_BUSINESS_VERSION: 'v21.0', WA_BUSINESS_APP_SECRET: APP_SECRET });

    const created = await api('POST', '/instance/create', {
      instanceName: 'cloud',
      integration: 'WHATSAPP-BUSINESS',
      number: account.phoneNumberId,
      token: TOKEN,
      businessId: account.businessAccountId,
      webhook: { url: `${env.receiver.url}/cloud`, events: [] },
    });
    expect(created.body.instance).toMatchObject({ status: 'open' });
    cloudId = created.body.instance.instanceId;

    // Cloud API: a customer's text, then an image, then our reply and Meta's statuses for it.
    await postMeta(metaTextMessage(account, customer, 'hello store', ids.text));
    await cloudHook('messages.upsert', (d) => d.key.id === ids.text);
    graph.addMedia('1481234567777', randomBytes(2_000), 'image/jpeg');
    const now = String(Math.floor(Date.now() / 1000));
    const image = { from: customer.waId, id: ids.image, timestamp: now, type: 'image', image: { id: '1481234567777', mime_type: 'image/jpeg', caption: 'a picture' } };
    await postMeta(metaNotification(account, { contacts: [{ profile: { name: customer.name }, wa_id: customer.waId }], messages: [image] }));
    await cloudHook('messages.upsert', (d) => d.key.id === ids.image);
    const sent = await api('POST', '/message/sendText/cloud', { number: customer.waId, text: 'our reply' });
    expect(sent.status).toBe(201);
    ids.sent = sent.body.key.id;
    for (const status of ['delivered', 'read']) {
      await postMeta(metaNotification(account, { statuses: [{ id: ids.sent, status, timestamp: now, recipient_id: customer.waId }] }));
    }
    await cloudHook('messages.update', (d) => d.keyId === ids.sent && d.status === 'READ');

    // Baileys: the same traffic through the fake WhatsApp server.
    const linked = await env.linkInstance(gateway, 'phone', { hooks: '/phone' });
    phoneId = linked.instanceId;
    alice = env.fake.createAccount({ pushName: 'Carla' });
    ids.phoneText = (await env.fake.sendMessage(linked.me.jid, alice.phone, { conversation: 'hello store' })).id;
    await phoneHook('messages-upsert', (d) => d.key.id === ids.phoneText);
    const phoneSent = await api('POST', '/message/sendText/phone', { number: alice.phone, text: 'our reply' });
    expect(phoneSent.status).toBe(201);
    ids.phoneSent = phoneSent.body.key.id;
    env.fake.sendReceipt({ remoteJid: alice.jid, id: ids.phoneSent }, alice.phone, 'delivery');
    await phoneHook('messages-update', (d) => d.keyId === ids.phoneSent && d.status === 'DELIVERY_ACK');
    env.fake.sendReceipt({ remoteJid: alice.jid, id: ids.phoneSent }, alice.phone, 'read');
    await phoneHook('messages-update', (d) => d.keyId === ids.phoneSent && d.status === 'READ');
  });

  afterAll(async () => {
    await graph?.close();
    await env.stop();
  });

  it('findMessages: the inbound text and image and our reply, newest first, shaped as a Baileys instance\'s', async () => {
    const res = await find('findMessages', 'cloud', { where: { key: { remoteJid: customerJid } } });
    expect(res.status).toBe(200);
    expect(res.body.messages).toMatchObject({ total: 3, currentPage: 1 });
    const byId = new Map(res.body.messages.records.map((r: { key: { id: string } }) => [r.key.id, r]));
    expect(byId.get(ids.text)).toMatchObject({
      id: expect.any(String),
      key: { remoteJid: customerJid, fromMe: false, id: ids.text },
      pushName: 'Carla',
      messageType: 'conversation',
      message: { conversation: 'hello store' },
      messageTimestamp: expect.any(Number),
      instanceId: cloudId,
      MessageUpdate: [],
    });
    expect(byId.get(ids.image)).toMatchObject({
      key: { remoteJid: customerJid, fromMe: false, id: ids.image },
      messageType: 'imageMessage',
      message: { imageMessage: { mediaId: '1481234567777', mimetype: 'image/jpeg', caption: 'a picture' } },
    });
    expect(byId.get(ids.sent)).toMatchObject({ key: { fromMe: true, id: ids.sent }, MessageUpdate: [{ status: 'DELIVERY_ACK' }, { status: 'READ' }] });

    const phone = await find('findMessages', 'phone', { where: { key: { id: ids.phoneText } } });
    expect(keysOf(byId.get(ids.text) as object)).toEqual(keysOf(phone.body.messages.records[0]));
  });

  it('findChats: the customer\'s chat with its name, unread count, open window and last message, like a Baileys chat', async () => {
    const chats = await eventually(
      () => find('findChats', 'cloud', {}),
      (r) => r.body.length === 1 && r.body[0].lastMessage?.key?.id === ids.sent,
    );
    expect(chats.body[0]).toMatchObject({
      id: expect.any(String),
      remoteJid: customerJid,
      pushName: 'Carla',
      unreadCount: expect.any(Number),
      windowActive: true,
      lastMessage: { key: { remoteJid: customerJid, id: ids.sent }, message: { conversation: 'our reply' } },
    });
    const phone = await eventually(
      () => find('findChats', 'phone', {}),
      (r) => r.body.length === 1 && r.body[0].lastMessage?.key?.id === ids.phoneSent,
    );
    expect(keysOf(chats.body[0])).toEqual(keysOf(phone.body[0]));
    expect(keysOf(chats.body[0].lastMessage)).toEqual(keysOf(phone.body[0].lastMessage));
    // as for a Baileys instance, the chat's first message announced it (once) with CHATS_UPSERT
    const upsert = await cloudHook('chats.upsert', (d) => d.some?.((c: { remoteJid: string }) => c.remoteJid === customerJid));
    expect(upsert.body.data).toEqual([{ remoteJid: customerJid, instanceId: cloudId, name: 'Carla', unreadMessages: 1 }]);
    expect(env.receiver.received.filter((w) => w.path === '/cloud' && w.body.event === 'chats.upsert')).toHaveLength(1);
    const one = await api('GET', `/chat/findChatByRemoteJid/cloud?remoteJid=${customer.waId}`);
    expect(one.body).toMatchObject({ remoteJid: customerJid, lastMessage: expect.any(Object) });
  });

  it('findContacts: the customer, by Meta\'s profile name', async () => {
    const contacts = await eventually(
      () => find('findContacts', 'cloud', {}),
      (r) => r.body.some((c: { remoteJid: string }) => c.remoteJid === customerJid),
    );
    expect(contacts.body).toEqual([
      expect.objectContaining({ id: expect.any(String), remoteJid: customerJid, pushName: 'Carla', instanceId: cloudId, isGroup: false, type: 'contact' }),
    ]);
    const byId = await find('findContacts', 'cloud', { where: { id: customerJid } });
    expect(byId.body.map((c: { remoteJid: string }) => c.remoteJid)).toEqual([customerJid]);
  });

  it('findStatusMessage: Meta\'s statuses of our reply, with the stored message id, like Baileys receipts', async () => {
    const body = { where: { remoteJid: customerJid, keyId: ids.sent } };
    const statuses = await eventually(
      () => find('findStatusMessage', 'cloud', body),
      (r) => r.body.length === 2,
    );
    expect(statuses.body).toEqual([
      expect.objectContaining({ keyId: ids.sent, remoteJid: customerJid, fromMe: true, status: 'DELIVERY_ACK', instanceId: cloudId, messageId: expect.any(String) }),
      expect.objectContaining({ keyId: ids.sent, status: 'READ' }),
    ]);
    const phone = await eventually(
      () => find('findStatusMessage', 'phone', { where: { remoteJid: alice.jid, keyId: ids.phoneSent } }),
      (r) => r.body.length === 2,
    );
    expect(keysOf(statuses.body[0])).toEqual(keysOf(phone.body[0]));
    expect(phone.body[0].instanceId).toBe(phoneId);
  });

  it('fetchInstances counts the Cloud API instance\'s stored messages, chats and contacts', async () => {
    const res = await api('GET', '/instance/fetchInstances?instanceName=cloud');
    expect(res.body[0]._count).toEqual({ Message: 3, Contact: 1, Chat: 1 });
  });
});
