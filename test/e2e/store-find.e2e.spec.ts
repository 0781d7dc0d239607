import type { ApiResponse, GatewayProcess, ReceivedWebhook } from '@gw/testing';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';
import { eventually } from '../support/eventually';

/**
 * The message store end to end: an instance linked through the fake WhatsApp server (real
 * Baileys in the real gateway) gets an inline history sync and live messages; the find
 * routes return them with the bodies the n8n node sends, paginated; retention deletes old rows.
 */
describe('message store and find routes (e2e)', () => {
  const env = new E2eEnvironment();
  const NAME = 'store';
  let gateway: GatewayProcess;
  let me: { jid: string };
  let alice: { jid: string; phone: string };
  let bob: { jid: string; phone: string };
  let instanceId: string;
  const DAY = 24 * 3600;
  const now = Math.floor(Date.now() / 1000);
  const HISTORY_ALICE = 25;
  const HISTORY_BOB_OLD = 12; // older than the retention limit used below
  const liveIds: string[] = [];

  const api = (method: string, path: string, body?: unknown): Promise<ApiResponse> =>
    gateway.api(method, path, { apikey: API_KEY, body });
  const find = (route: string, body: unknown) => api('POST', `/chat/${route}/${NAME}`, body);
  const hook = (suffix: string, pred: (w: ReceivedWebhook) => boolean) =>
    env.receiver.waitFor((w) => w.path === `/ev/${suffix}` && pred(w), 20_000, suffix);

  beforeAll(async () => {
    await env.start();
    gateway = await env.startGateway();
    ({ me, instanceId } = await env.linkInstance(gateway, NAME, { hooks: '/ev' }));
    alice = env.fake.createAccount({ pushName: 'Alice' });
    bob = env.fake.createAccount({ pushName: 'Bob' });

    await env.fake.sendHistorySync(me.jid, {
      chats: [
        { id: alice.jid, name: 'Alice', unreadCount: 2 },
        { id: bob.jid, name: 'Bob', unreadCount: 0 },
      ],
      contacts: [
        { id: alice.jid, notify: 'Alice' },
        { id: bob.jid, notify: 'Bob' },
      ],
      messages: [
        ...Array.from({ length: HISTORY_ALICE }, (_, i) => ({
          key: { remoteJid: alice.jid, fromMe: i % 2 === 0, id: `3EB0HISTA${String(i).padStart(11, '0')}` },
          message: { conversation: `history ${i}` },
          messageTimestamp: now - 3 * DAY + i * 60,
        })),
        ...Array.from({ length: HISTORY_BOB_OLD }, (_, i) => ({
          key: { remoteJid: bob.jid, fromMe: false, id: `3EB0HISTB${String(i).padStart(11, '0')}` },
          message: { conversation: `old ${i}` },
          messageTimestamp: now - 90 * DAY + i * 60,
        })),
      ],
    });
    await hook('messages-set', (w) => w.body.data.some((m: { key: { id: string } }) => m.key.id.startsWith('3EB0HISTB')));
    for (const text of ['live one', 'live two', 'live three']) {
      const key = await env.fake.sendMessage(me.jid, alice.phone, { conversation: text });
      await hook('messages-upsert', (w) => w.body.data.key.id === key.id);
      liveIds.push(key.id);
    }
  });

  afterAll(() => env.stop());

  it('findMessages: the n8n body, newest first, pages that differ, right totals', async () => {
    const total = HISTORY_ALICE + liveIds.length;
    const p1 = await find('findMessages', { where: { key: { remoteJid: alice.jid } }, page: 1, offset: 10 });
    expect(p1.status).toBe(200);
    expect(p1.body.messages).toMatchObject({ total, pages: Math.ceil(total / 10), currentPage: 1 });
    expect(p1.body.messages.records).toHaveLength(10);
    // the live messages are the newest
    expect(p1.body.messages.records.slice(0, 3).map((r: { key: { id: string } }) => r.key.id).sort()).toEqual([...liveIds].sort());
    expect(p1.body.messages.records[0]).toMatchObject({
      id: expect.any(String),
      key: { remoteJid: alice.jid, fromMe: false },
      pushName: 'Alice',
      messageType: 'conversation',
      message: { conversation: expect.stringMatching(/^live/) },
      messageTimestamp: expect.any(Number),
      instanceId,
      source: expect.any(String),
      MessageUpdate: [],
    });
    const p2 = await find('findMessages', { where: { key: { remoteJid: alice.phone } }, page: 2, offset: 10 });
    expect(p2.body.messages.currentPage).toBe(2);
    const ids1 = p1.body.messages.records.map((r: { id: string }) => r.id);
    const ids2 = p2.body.messages.records.map((r: { id: string }) => r.id);
    expect(ids2).toHaveLength(10);
    expect(ids2.filter((id: string) => ids1.includes(id))).toEqual([]);
    const last = await find('findMessages', { where: { key: { remoteJid: alice.jid } }, page: 3, offset: 10 });
    expect(last.body.messages.records).toHaveLength(total - 20);

    // the chat as a send route accepts it: legacy @c.us, a device suffix
    const legacy = await find('findMessages', { where: { key: { remoteJid: alice.jid.replace('@s.whatsapp.net', '@c.us') } } });
    expect(legacy.body.messages.total).toBe(total);
    const device = await find('findMessages', { where: { remoteJid: alice.jid.replace('@', ':7@') } });
    expect(device.body.messages.total).toBe(total);

    const mine = await find('findMessages', { where: { key: { remoteJid: alice.jid, fromMe: true } } });
    expect(mine.body.messages.total).toBe(Math.ceil(HISTORY_ALICE / 2));
    const all = await find('findMessages', {});
    expect(all.body.messages.total).toBe(total + HISTORY_BOB_OLD);
  });

  it('findChats: chats from history and live messages, with lastMessage and unreadCount; page/offset honoured', async () => {
    const chats = await eventually(
      () => find('findChats', {}),
      (r) => r.body.length === 2 && r.body[0].lastMessage?.key?.id !== undefined && liveIds.includes(r.body[0].lastMessage.key.id),
    );
    expect(chats.body.map((c: { remoteJid: string }) => c.remoteJid)).toEqual([alice.jid, bob.jid]);
    expect(chats.body[0]).toMatchObject({
      id: expect.any(String),
      remoteJid: alice.jid,
      pushName: 'Alice',
      unreadCount: expect.any(Number),
      windowActive: true,
      lastMessage: { key: { remoteJid: alice.jid }, message: { conversation: 'live three' }, messageType: 'conversation' },
    });
    const p1 = await find('findChats', { where: {}, page: 1, offset: 1 });
    const p2 = await find('findChats', { where: {}, page: 2, offset: 1 });
    expect(p1.body.map((c: { remoteJid: string }) => c.remoteJid)).toEqual([alice.jid]);
    expect(p2.body.map((c: { remoteJid: string }) => c.remoteJid)).toEqual([bob.jid]);
    // n8n's exact body: where.remoteJid and where.id
    const n8n = await find('findChats', { where: { remoteJid: bob.jid, id: bob.jid }, page: 1, offset: 50 });
    expect(n8n.body).toEqual([expect.objectContaining({ remoteJid: bob.jid, lastMessage: expect.objectContaining({ key: expect.objectContaining({ remoteJid: bob.jid }) }) })]);

    const one = await api('GET', `/chat/findChatByRemoteJid/${NAME}?remoteJid=${alice.phone}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ remoteJid: alice.jid, lastMessage: expect.any(Object) });
    const unknown = await api('GET', `/chat/findChatByRemoteJid/${NAME}?remoteJid=5511911112222`);
    expect(unknown.status).toBe(404);
  });

  it('findContacts: {} and n8n where.id; type contact; pagination', async () => {
    const all = await eventually(
      () => find('findContacts', {}),
      (r) => [alice.jid, bob.jid].every((j) => r.body.some((c: { remoteJid: string }) => c.remoteJid === j)),
    );
    expect(all.body.find((c: { remoteJid: string }) => c.remoteJid === bob.jid)).toMatchObject({
      id: expect.any(String),
      pushName: 'Bob',
      instanceId,
      isGroup: false,
      type: 'contact',
    });
    const byId = await find('findContacts', { where: { id: bob.jid } });
    expect(byId.body.map((c: { remoteJid: string }) => c.remoteJid)).toEqual([bob.jid]);
    const p1 = await find('findContacts', { page: 1, offset: 1 });
    const p2 = await find('findContacts', { page: 2, offset: 1 });
    expect(p1.body).toHaveLength(1);
    expect(p2.body).toHaveLength(1);
    expect(p2.body[0].remoteJid).not.toBe(p1.body[0].remoteJid);
  });

  it('findStatusMessage: receipts of a sent message, with the n8n where keys; findMessages shows MessageUpdate', async () => {
    const sent = await api('POST', `/message/sendText/${NAME}`, { number: alice.phone, text: 'status please' });
    expect(sent.status).toBe(201);
    const keyId = sent.body.key.id;
    env.fake.sendReceipt({ remoteJid: alice.jid, id: keyId }, alice.phone, 'delivery');
    await hook('messages-update', (w) => w.body.data.keyId === keyId && w.body.data.status === 'DELIVERY_ACK');
    env.fake.sendReceipt({ remoteJid: alice.jid, id: keyId }, alice.phone, 'read');
    await hook('messages-update', (w) => w.body.data.keyId === keyId && w.body.data.status === 'READ');

    const body = { where: { instanceId: NAME, remoteJid: alice.jid, keyId }, page: 1, offset: 10 };
    const statuses = await eventually(
      () => find('findStatusMessage', body),
      (r) => r.body.length === 2,
    );
    expect(statuses.body).toEqual([
      expect.objectContaining({ keyId, remoteJid: alice.jid, fromMe: true, status: 'DELIVERY_ACK', instanceId, messageId: expect.any(String) }),
      expect.objectContaining({ keyId, status: 'READ' }),
    ]);
    const page2 = await find('findStatusMessage', { ...body, page: 2, offset: 1 });
    expect(page2.body.map((s: { status: string }) => s.status)).toEqual(['READ']);
    const msg = await find('findMessages', { where: { key: { id: keyId } } });
    expect(msg.body.messages.records[0]).toMatchObject({ key: { id: keyId, fromMe: true }, MessageUpdate: [{ status: 'DELIVERY_ACK' }, { status: 'READ' }] });
  });

  it('bad where/page/offset types get a 400 naming the field', async () => {
    const bad = async (route: string, body: unknown, field: string) => {
      const res = await find(route, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ status: 400, error: 'Bad Request' });
      expect(JSON.stringify(res.body.response.message)).toContain(field);
    };
    await bad('findMessages', { page: 'two' }, 'page');
    await bad('findMessages', { offset: 5000 }, 'offset');
    await bad('findMessages', { where: 'alice' }, 'where');
    await bad('findMessages', { where: { key: { fromMe: 'maybe' } } }, 'where.key.fromMe');
    await bad('findChats', { page: 0 }, 'page');
    await bad('findContacts', { where: { id: 42 } }, 'where.id');
    await bad('findStatusMessage', { offset: -1 }, 'offset');
    // too big for a BIGINT parameter: Postgres would refuse the query (a 500 before)
    await bad('findChats', { skip: 1e19 }, 'skip');
    await bad('findContacts', { page: 1e17, offset: 1000 }, 'page');
    await bad('findMessages', { where: { messageTimestamp: { gte: 1e30 } } }, 'where.messageTimestamp.gte');
    // Postgres cannot take U+0000 (it was a 500)
    await bad('findMessages', { where: { messageType: 'conversation\u0000' } }, 'where.messageType');
    const nul = await api('GET', `/chat/findChatByRemoteJid/${NAME}?remoteJid=%00`);
    expect(nul.status).toBe(400);
    expect(JSON.stringify(nul.body.response.message)).toContain('remoteJid');
    const missing = await api('GET', `/chat/findChatByRemoteJid/${NAME}`);
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body.response.message)).toContain('remoteJid');
  });

  it('fetchInstances _count comes from the store', async () => {
    const res = await api('GET', `/instance/fetchInstances?instanceName=${NAME}`);
    const [messages] = await env.db.query<{ n: string }>('SELECT count(*) AS n FROM "Message" WHERE "instanceId" = $1', [instanceId]);
    expect(res.body[0]._count).toEqual({ Message: Number(messages.n), Contact: expect.any(Number), Chat: 2 });
    expect(res.body[0]._count.Message).toBeGreaterThan(HISTORY_ALICE + HISTORY_BOB_OLD);
    expect(res.body[0]._count.Contact).toBeGreaterThanOrEqual(2);
  });

  it('sendStatus allContacts: the status goes to every stored contact', async () => {
    const contacts = await find('findContacts', {});
    expect(contacts.body.map((c: { remoteJid: string }) => c.remoteJid)).toEqual(expect.arrayContaining([alice.jid, bob.jid]));
    const res = await api('POST', `/message/sendStatus/${NAME}`, { type: 'text', content: 'to everyone', allContacts: true });
    expect(res.status).toBe(201);
    const id = res.body.key.id;
    const record = env.fake.messagesFromClient.find((m) => m.id === id) ?? (await env.fake.waitFor('client-message', (m) => m.id === id));
    expect(record.to).toBe('status@broadcast');
    expect(record.recipients.map((r) => r.jid)).toEqual(expect.arrayContaining([alice.jid, bob.jid]));
  });

  it('retention: a gateway with STORE_MESSAGE_RETENTION_DAYS=30 deletes the old history and keeps the rest', async () => {
    const before = (await find('findMessages', {})).body.messages.total;
    await gateway.stop();
    // a pass runs at boot (before start() returns) and then every second: await the next one
    gateway = await env.startGateway({ STORE_MESSAGE_RETENTION_DAYS: '30', STORE_RETENTION_INTERVAL_MS: '1000' });
    await gateway.waitForLog(/retention: deleted \d+ messages/);
    const bobs = await find('findMessages', { where: { key: { remoteJid: bob.jid } } });
    expect(bobs.body.messages.total).toBe(0);
    const rest = await find('findMessages', {});
    expect(rest.body.messages.total).toBe(before - HISTORY_BOB_OLD);
  });
});
