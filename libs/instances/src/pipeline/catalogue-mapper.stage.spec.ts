import { Logger } from '@nestjs/common';
import type { AppConfig } from '@gw/config';
import type { EventName } from '@gw/events';
import { MessageRepository, PrismaService } from '@gw/persistence';
import { TestDatabase } from '@gw/testing';
import { translateBaileysEvents } from '../../../whatsapp/src/baileys/baileys-event.translator';
import { loadBaileys, type Baileys } from '../../../whatsapp/src/baileys/baileys.loader';
import type { EngineEvent } from '@gw/whatsapp';
import pino from 'pino';
import { DEFAULT_SETTINGS } from '../settings/instance-settings.store';
import { buildInstancePipeline, InstancePipeline } from './instance-pipeline';

/**
 * Recorded Baileys 7 payloads, emitted through Baileys' own event buffer, translated at the
 * engine edge and mapped to Evolution v2 webhook data (real Postgres for the message store).
 */
describe('Baileys events -> webhook events', () => {
  const db = new TestDatabase();
  let prisma: PrismaService;
  let baileys: Baileys;
  let instanceId: string;
  let published: { name: EventName; data: any }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  let ev: ReturnType<Baileys['makeEventBuffer']>;
  let mapper: { handle(e: EngineEvent): Promise<void> };
  let pending: Promise<void>;

  beforeAll(async () => {
    baileys = await loadBaileys();
    await db.create();
    prisma = new PrismaService({ database: { url: db.url } } as AppConfig);
    instanceId = (await prisma.instance.create({ data: { name: 'map', token: 'T' } })).id;
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  beforeEach(() => {
    published = [];
    pending = Promise.resolve();
    const logger = pino({ level: 'silent' });
    const pipeline: InstancePipeline = buildInstancePipeline({
      instance: { id: instanceId, name: 'map' },
      source: { downloadMedia: async () => ({ ok: false, reason: 'unknown-message' }), sender: () => undefined },
      settings: async () => DEFAULT_SETTINGS,
      messages: new MessageRepository(prisma),
      media: { wantsBase64: async () => false, base64MaxBytes: 1024 },
      sink: { publish: async () => undefined },
      logger: new Logger('test'),
    });
    const out = { publish: (name: EventName, data: unknown) => void published.push({ name, data }) };
    mapper = { handle: (e) => pipeline.handle(e, out) };
    ev = baileys.makeEventBuffer(logger);
    translateBaileysEvents(baileys, ev, (e: EngineEvent) => (pending = pending.then(() => mapper.handle(e))), logger);
  });

  /** Emits through Baileys' emitter and waits until the mapper has handled everything. */
  async function emit(event: string, payload: unknown) {
    (ev.emit as (e: string, p: unknown) => void)(event, payload);
    await new Promise((r) => setImmediate(r));
    await pending;
  }

  const ALICE = '5511900000002@s.whatsapp.net';
  const ALICE_LID = '123456789012345@lid';

  it('messages.upsert -> MESSAGES_UPSERT in v2 shape; a malformed item does not drop the rest; duplicates are not re-sent', async () => {
    const text = {
      key: { remoteJid: ALICE, fromMe: false, id: '3EB0AAAA00000000000001' },
      messageTimestamp: 1763700000,
      pushName: 'Alice',
      message: { extendedTextMessage: { text: 'hello', contextInfo: { stanzaId: 'Q1' } }, messageContextInfo: { messageSecret: Buffer.from('s') } },
    };
    const image = {
      key: { remoteJid: ALICE, fromMe: false, id: '3EB0AAAA00000000000002' },
      messageTimestamp: { low: 1763700001, high: 0, unsigned: true },
      message: { imageMessage: { caption: 'pic', mimetype: 'image/jpeg', fileLength: { low: 1234, high: 0, unsigned: true } } },
    };
    const broken = { key: null, message: { conversation: 'x' } };
    await emit('messages.upsert', { type: 'notify', messages: [text, broken, image] });

    const upserts = published.filter((p) => p.name === 'MESSAGES_UPSERT').map((p) => p.data);
    expect(upserts).toHaveLength(2);
    expect(upserts[0]).toEqual({
      key: { remoteJid: ALICE, fromMe: false, id: '3EB0AAAA00000000000001' },
      pushName: 'Alice',
      status: 'DELIVERY_ACK',
      message: { conversation: 'hello', messageContextInfo: { messageSecret: 'cw==' } },
      contextInfo: { stanzaId: 'Q1' },
      messageType: 'conversation',
      messageTimestamp: 1763700000,
      instanceId,
      source: 'web',
    });
    expect(upserts[1]).toMatchObject({ messageType: 'imageMessage', messageTimestamp: 1763700001, message: { imageMessage: { fileLength: 1234 } } });

    published = [];
    await emit('messages.upsert', { type: 'notify', messages: [text] });
    expect(published.filter((p) => p.name === 'MESSAGES_UPSERT')).toHaveLength(0);
  });

  it('a NUL character in a text or a push name (Postgres cannot store it) loses neither that message nor its batch', async () => {
    const nul = {
      key: { remoteJid: ALICE, fromMe: false, id: '3EB0AAAA0000000000NUL1' },
      messageTimestamp: 1763700010,
      pushName: 'Al\u0000ice',
      message: { conversation: 'before\u0000after, and a literal \\u0000 stays' },
    };
    const plain = { key: { remoteJid: ALICE, fromMe: false, id: '3EB0AAAA0000000000NUL2' }, messageTimestamp: 1763700011, message: { conversation: 'ok' } };
    await emit('messages.upsert', { type: 'notify', messages: [nul, plain] });
    const upserts = published.filter((p) => p.name === 'MESSAGES_UPSERT').map((p) => p.data);
    // the webhook carries the text as sent
    expect(upserts.map((u) => u.message.conversation)).toEqual(['before\u0000after, and a literal \\u0000 stays', 'ok']);
    const stored = await prisma.message.findFirstOrThrow({ where: { instanceId, keyId: '3EB0AAAA0000000000NUL1' } });
    expect(stored.pushName).toBe('Al\uFFFDice');
    expect(stored.message).toEqual({ conversation: 'before\uFFFDafter, and a literal \\u0000 stays' });
  });

  it('LID-addressed messages carry the phone-number JID (remoteJidAlt, senderPn), learnt or given', async () => {
    await emit('messages.upsert', {
      type: 'notify',
      messages: [
        {
          key: { remoteJid: ALICE_LID, remoteJidAlt: ALICE, addressingMode: 'lid', fromMe: false, id: '3EB0LID00001' },
          messageTimestamp: 1763700100,
          message: { conversation: 'via lid' },
        },
      ],
    });
    // a later message without the alt field gets it from what was learnt
    await emit('messages.upsert', {
      type: 'notify',
      messages: [{ key: { remoteJid: ALICE_LID, fromMe: false, id: '3EB0LID00002' }, messageTimestamp: 1763700101, message: { conversation: 'again' } }],
    });
    const [first, second] = published.filter((p) => p.name === 'MESSAGES_UPSERT').map((p) => p.data);
    expect(first.key).toMatchObject({ remoteJid: ALICE_LID, remoteJidAlt: ALICE });
    expect(first.senderPn).toBe(ALICE);
    expect(second.key).toMatchObject({ remoteJid: ALICE_LID, remoteJidAlt: ALICE });
  });

  it('edits: protocolMessage -> MESSAGES_EDITED, messages.update edit -> MESSAGES_UPDATE with the new text', async () => {
    await emit('messages.upsert', {
      type: 'notify',
      messages: [
        {
          key: { remoteJid: ALICE, fromMe: false, id: '3EB0EDIT0001' },
          messageTimestamp: 1763700200,
          message: {
            protocolMessage: {
              key: { remoteJid: ALICE, fromMe: false, id: '3EB0AAAA00000000000001' },
              type: 14,
              editedMessage: { conversation: 'hello (edited)' },
              timestampMs: { low: 1763700200000 % 2 ** 32, high: Math.floor(1763700200000 / 2 ** 32), unsigned: false },
            },
          },
        },
      ],
    });
    await emit('messages.update', [
      { key: { remoteJid: ALICE, fromMe: false, id: '3EB0AAAA00000000000001' }, update: { message: { editedMessage: { message: { conversation: 'hello (edited)' } } } } },
    ]);
    const edited = published.find((p) => p.name === 'MESSAGES_EDITED')!.data;
    expect(edited).toEqual({
      key: { remoteJid: ALICE, fromMe: false, id: '3EB0AAAA00000000000001' },
      type: 'MESSAGE_EDIT',
      editedMessage: { conversation: 'hello (edited)' },
      timestampMs: 1763700200000,
    });
    expect(published.filter((p) => p.name === 'MESSAGES_UPSERT')).toHaveLength(0);
    const update = published.find((p) => p.name === 'MESSAGES_UPDATE')!.data;
    expect(update).toMatchObject({ keyId: '3EB0AAAA00000000000001', remoteJid: ALICE, fromMe: false, message: { conversation: 'hello (edited)' }, instanceId });
    expect(update.messageId).toEqual(expect.any(String));
  });

  it('receipts -> MESSAGES_UPDATE, also for unknown messages and group readers; revoke -> MESSAGES_DELETE', async () => {
    await emit('messages.update', [
      { key: { remoteJid: ALICE, fromMe: true, id: 'NEVER-STORED' }, update: { status: 4 } },
      { key: { remoteJid: ALICE, fromMe: false, id: '3EB0AAAA00000000000002' }, update: { status: 3 } },
      { key: { remoteJid: ALICE, fromMe: false, id: '3EB0AAAA00000000000002' }, update: { message: null, messageStubType: 1 } },
    ]);
    await emit('message-receipt.update', [
      { key: { remoteJid: '120363000000000001@g.us', fromMe: true, id: 'GRPMSG1' }, receipt: { userJid: ALICE, readTimestamp: 1763700300 } },
    ]);
    const updates = published.filter((p) => p.name === 'MESSAGES_UPDATE').map((p) => p.data);
    expect(updates[0]).toEqual({ keyId: 'NEVER-STORED', remoteJid: ALICE, fromMe: true, participant: null, status: 'READ', instanceId });
    expect(updates[1]).toMatchObject({ keyId: '3EB0AAAA00000000000002', status: 'DELIVERY_ACK', messageId: expect.any(String) });
    expect(updates[2]).toMatchObject({ keyId: 'GRPMSG1', remoteJid: '120363000000000001@g.us', participant: ALICE, status: 'READ' });
    expect(published.find((p) => p.name === 'MESSAGES_DELETE')!.data).toEqual({ remoteJid: ALICE, fromMe: false, id: '3EB0AAAA00000000000002' });
    const row = await prisma.message.findUnique({ where: { instanceId_keyId: { instanceId, keyId: '3EB0AAAA00000000000002' } } });
    expect(row?.status).toBe('DELETED');
  });

  it('history sync -> CHATS_SET, CONTACTS_SET, MESSAGES_SET without messages already sent', async () => {
    await emit('messaging-history.set', {
      chats: [{ id: ALICE, name: 'Alice', unreadCount: 2 }],
      contacts: [{ id: ALICE_LID, phoneNumber: ALICE, notify: 'Alice' }],
      messages: [
        { key: { remoteJid: ALICE, fromMe: false, id: '3EB0AAAA00000000000001' }, messageTimestamp: 1763700000, message: { conversation: 'hello' } },
        { key: { remoteJid: ALICE, fromMe: true, id: '3EB0HIST0001' }, messageTimestamp: 1763600000, message: { conversation: 'old' } },
      ],
      syncType: 2,
      isLatest: true,
    });
    expect(published.map((p) => p.name)).toEqual(['CHATS_SET', 'CONTACTS_SET', 'MESSAGES_SET']);
    expect(published[0].data).toEqual([{ remoteJid: ALICE, instanceId, name: 'Alice' }]);
    expect(published[1].data).toEqual([{ remoteJid: ALICE_LID, remoteJidAlt: ALICE, pushName: 'Alice', profilePicUrl: null, instanceId }]);
    expect(published[2].data.map((m: { key: { id: string } }) => m.key.id)).toEqual(['3EB0HIST0001']);
  });

  it('chats, contacts, presence, groups, participants, calls and labels in v2 shapes', async () => {
    const G = '120363000000000001@g.us';
    await emit('chats.upsert', [{ id: G, name: 'Team', unreadCount: 1 }]);
    await emit('chats.update', [{ id: ALICE, unreadCount: 0 }]);
    await emit('chats.delete', [ALICE]);
    await emit('contacts.upsert', [{ id: ALICE, notify: 'Alice', lid: ALICE_LID }]);
    await emit('contacts.update', [{ id: ALICE, imgUrl: 'https://pps.example/a.jpg' }]);
    await emit('presence.update', { id: ALICE, presences: { [ALICE]: { lastKnownPresence: 'composing' } } });
    await emit('groups.upsert', [{ id: G, subject: 'Team', creation: 1763700000, owner: ALICE, participants: [{ id: ALICE, admin: 'superadmin' }] }]);
    await emit('groups.update', [{ id: G, subject: 'Team 2', author: ALICE }]);
    await emit('group-participants.update', { id: G, author: ALICE, participants: [{ id: ALICE_LID, phoneNumber: ALICE, admin: null }], action: 'add' });
    await emit('call', [{ chatId: ALICE, from: ALICE, id: 'CALL1', date: new Date(1763700400000), offline: false, status: 'offer', isVideo: true }]);
    await emit('labels.edit', { id: '1', name: 'VIP', color: 3, deleted: false, predefinedId: '5' });
    await emit('labels.association', { type: 'add', association: { type: 'label_jid', chatId: ALICE, labelId: '1' } });

    const by = (n: EventName) => published.filter((p) => p.name === n).map((p) => p.data);
    expect(by('CHATS_UPSERT')).toEqual([[{ remoteJid: G, instanceId, name: 'Team', unreadMessages: 1 }]]);
    expect(by('CHATS_UPDATE')).toEqual([[{ remoteJid: ALICE, instanceId, unreadMessages: 0 }]]);
    expect(by('CHATS_DELETE')).toEqual([[ALICE]]);
    expect(by('CONTACTS_UPSERT')).toEqual([[{ remoteJid: ALICE, remoteJidAlt: ALICE_LID, pushName: 'Alice', profilePicUrl: null, instanceId }]]);
    expect(by('CONTACTS_UPDATE')[0][0]).toMatchObject({ remoteJid: ALICE, profilePicUrl: 'https://pps.example/a.jpg' });
    expect(by('PRESENCE_UPDATE')).toEqual([{ id: ALICE, presences: { [ALICE]: { lastKnownPresence: 'composing' } } }]);
    expect(by('GROUPS_UPSERT')[0][0]).toMatchObject({ id: G, subject: 'Team', participants: [{ id: ALICE, admin: 'superadmin' }] });
    expect(by('GROUPS_UPDATE')).toEqual([[{ id: G, subject: 'Team 2', author: ALICE }]]);
    expect(by('GROUP_PARTICIPANTS_UPDATE')).toEqual([
      { id: G, author: ALICE, participants: [ALICE], action: 'add', participantsData: [{ jid: ALICE_LID, phoneNumber: ALICE, admin: null }] },
    ]);
    expect(by('CALL')).toEqual([
      { id: 'CALL1', chatId: ALICE, from: ALICE, date: '2025-11-21T04:46:40.000Z', offline: false, status: 'offer', isVideo: true },
    ]);
    expect(by('LABELS_EDIT')).toEqual([{ id: '1', name: 'VIP', color: 3, deleted: false, predefinedId: '5', instance: 'map' }]);
    expect(by('LABELS_ASSOCIATION')).toEqual([{ instance: 'map', type: 'add', chatId: ALICE, labelId: '1' }]);
  });
});
