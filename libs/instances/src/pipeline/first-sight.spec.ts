import { Logger } from '@nestjs/common';
import type { AppConfig } from '@gw/config';
import type { EventName } from '@gw/events';
import { MessageRepository, PrismaService } from '@gw/persistence';
import { ChatRepository, ContactRepository, KnownJidsRepository } from '@gw/store';
import { TestDatabase } from '@gw/testing';
import type { EngineEvent, EngineMessage } from '@gw/whatsapp';
import { KNOWN_JIDS_SEED_ROWS, KnownJidsSource } from './first-sight';
import { DEFAULT_SETTINGS } from '../settings/instance-settings.store';
import { buildInstancePipeline } from './instance-pipeline';

/** First appearances of contacts and chats (CONTACTS_UPSERT, CHATS_UPSERT), against the real store. */
describe('first-sight upserts', () => {
  const db = new TestDatabase();
  let prisma: PrismaService;
  let known: KnownJidsRepository;
  let instanceId: string;
  let published: { name: EventName; data: any }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  let n = 0;

  beforeAll(async () => {
    await db.create();
    prisma = new PrismaService({ database: { url: db.url } } as AppConfig);
    known = new KnownJidsRepository(prisma);
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  beforeEach(async () => {
    published = [];
    instanceId = (await prisma.instance.create({ data: { name: `fs${++n}`, token: `T${n}` } })).id;
  });

  /** The instance's pipeline with the real store; its catalogue events are recorded in `published`. */
  const mapperWith = (source: KnownJidsSource = known) => {
    const pipeline = buildInstancePipeline({
      instance: { id: instanceId, name: 'fs' },
      source: { downloadMedia: async () => ({ ok: false, reason: 'unknown-message' }), sender: () => undefined },
      settings: async () => DEFAULT_SETTINGS,
      messages: new MessageRepository(prisma),
      known: source,
      media: { wantsBase64: async () => false, base64MaxBytes: 1024 },
      sink: { publish: async () => undefined },
      logger: new Logger('test'),
    });
    const out = { publish: (name: EventName, data: unknown) => void published.push({ name, data }) };
    return { handle: (e: EngineEvent) => pipeline.handle(e, out) };
  };
  const message = (remoteJid: string, pushName: string, extra: Partial<EngineMessage['key']> = {}): EngineEvent => ({
    type: 'messages',
    origin: 'notify',
    messages: [
      {
        key: { remoteJid, fromMe: false, id: `3EB0${String(++n).padStart(16, '0')}`, ...extra },
        pushName,
        message: { conversation: 'hi' },
        messageType: 'conversation',
        messageTimestamp: 1_763_700_000 + n,
        status: 'DELIVERY_ACK',
        source: 'android',
      },
    ],
  } as EngineEvent);
  const names = () => published.map((p) => p.name);
  const ALICE = '5511900000001@s.whatsapp.net';

  it('a new contact: CHATS_UPSERT, MESSAGES_UPSERT, then CONTACTS_UPSERT (one object); afterwards only updates', async () => {
    const mapper = mapperWith();
    await mapper.handle(message(ALICE, 'Alice'));
    expect(names()).toEqual(['CHATS_UPSERT', 'MESSAGES_UPSERT', 'CONTACTS_UPSERT']);
    expect(published[0].data).toEqual([{ remoteJid: ALICE, instanceId, name: 'Alice', unreadMessages: 1 }]);
    expect(published[2].data).toEqual({ remoteJid: ALICE, pushName: 'Alice', profilePicUrl: null, instanceId });

    published = [];
    await mapper.handle({ type: 'chats', action: 'update', chats: [{ id: ALICE, unreadCount: 2 }] });
    await mapper.handle({ type: 'contacts', action: 'update', contacts: [{ id: ALICE, notify: 'Alice' }] });
    await mapper.handle(message(ALICE, 'Alice'));
    expect(names()).toEqual(['CHATS_UPDATE', 'CONTACTS_UPDATE', 'MESSAGES_UPSERT']);
  });

  it('a chat update for a chat never seen goes out as CHATS_UPSERT first (Baileys may flush it before the message)', async () => {
    const mapper = mapperWith();
    const BOB = '5511900000002@s.whatsapp.net';
    await mapper.handle({ type: 'chats', action: 'update', chats: [{ id: BOB, unreadCount: 1 }, { id: BOB, unreadCount: 1 }] });
    await mapper.handle(message(BOB, 'Bob'));
    expect(names()).toEqual(['CHATS_UPSERT', 'MESSAGES_UPSERT', 'CONTACTS_UPSERT']);
  });

  it('a LID-addressed contact is known by its phone number too; groups and own messages bring no contact upsert', async () => {
    const mapper = mapperWith();
    await mapper.handle({ type: 'contacts', action: 'upsert', contacts: [{ id: '5511900000003@s.whatsapp.net', lid: '9001@lid' }] });
    published = [];
    await mapper.handle(message('9001@lid', 'Carol', { remoteJidAlt: '5511900000003@s.whatsapp.net' }));
    expect(names()).toEqual(['CHATS_UPSERT', 'MESSAGES_UPSERT']); // the @lid chat is new, the person is not
    published = [];
    await mapper.handle(message('120363000000000001@g.us', 'Dan', { participant: '5511900000004@s.whatsapp.net' }));
    await mapper.handle(message('5511900000005@s.whatsapp.net', 'Me', { fromMe: true }));
    expect(names()).toEqual(['CHATS_UPSERT', 'MESSAGES_UPSERT', 'CHATS_UPSERT', 'MESSAGES_UPSERT']);
  });

  it('what the store held at start is known (also beyond the seed); rows the store wrote for the event at hand are not', async () => {
    const chats = new ChatRepository(prisma);
    const contacts = new ContactRepository(prisma);
    const OLD = '5511900000010@s.whatsapp.net';
    await chats.touch(instanceId, [{ remoteJid: OLD, timestamp: 1 }]);
    await contacts.merge(instanceId, [{ id: OLD, notify: 'Old' }]);
    // more than the seed loads, so OLD is found by a lookup, not in memory
    const many = Array.from({ length: KNOWN_JIDS_SEED_ROWS + 10 }, (_, i) => `55119100${String(i).padStart(5, '0')}@s.whatsapp.net`);
    await chats.touch(instanceId, many.map((remoteJid) => ({ remoteJid, timestamp: 2 })));
    await contacts.merge(instanceId, many.map((id) => ({ id })));

    const lookups: string[][] = [];
    const spy: KnownJidsSource = { now: () => known.now(), seed: (...a) => known.seed(...a), existing: (id, kind, jids, before) => (lookups.push(jids), known.existing(id, kind, jids, before)) };
    const mapper = mapperWith(spy);
    await mapper.handle(message(OLD, 'Old'));
    expect(names()).toEqual(['MESSAGES_UPSERT']);
    await mapper.handle(message(OLD, 'Old'));
    expect(lookups).toEqual([[OLD], [OLD]]); // one chat and one contact lookup, then memory

    // the store writer runs ahead of the mapper: the new contact's rows exist before its message is mapped
    const NEW = '5511900000011@s.whatsapp.net';
    await chats.touch(instanceId, [{ remoteJid: NEW, timestamp: 3 }]);
    await contacts.merge(instanceId, [{ id: NEW, notify: 'New' }]);
    published = [];
    await mapper.handle(message(NEW, 'New'));
    expect(names()).toEqual(['CHATS_UPSERT', 'MESSAGES_UPSERT', 'CONTACTS_UPSERT']);
  });

  it('what the store held is read at the first event that needs it, as of the start: older rows are known, newer ones are not', async () => {
    const chats = new ChatRepository(prisma);
    const contacts = new ContactRepository(prisma);
    const OLD = '5511900000020@s.whatsapp.net';
    const NEW = '5511900000021@s.whatsapp.net';
    await chats.touch(instanceId, [{ remoteJid: OLD, timestamp: 1 }]);
    await contacts.merge(instanceId, [{ id: OLD, notify: 'Old' }]);
    // rows are stamped at millisecond precision: the start must fall after OLD's rows
    await new Promise((r) => setTimeout(r, 5));
    let clock: Promise<string> | undefined;
    const seeds: string[] = [];
    const spy: KnownJidsSource = {
      now: () => (clock = known.now()),
      seed: (id, limit, before) => (seeds.push(before), known.seed(id, limit, before)),
      existing: (...a) => known.existing(...a),
    };
    const mapper = mapperWith(spy);
    const startedAt = await clock!;
    expect(seeds).toEqual([]); // nothing loaded while no event needs it
    await new Promise((r) => setTimeout(r, 5)); // and NEW's rows after the start
    await chats.touch(instanceId, [{ remoteJid: NEW, timestamp: 2 }]);
    await contacts.merge(instanceId, [{ id: NEW, notify: 'New' }]);

    await mapper.handle(message(OLD, 'Old'));
    expect(seeds).toEqual([startedAt]);
    expect(names()).toEqual(['MESSAGES_UPSERT']);
    published = [];
    await mapper.handle(message(NEW, 'New'));
    expect(names()).toEqual(['CHATS_UPSERT', 'MESSAGES_UPSERT', 'CONTACTS_UPSERT']);
    expect(seeds).toHaveLength(1);
  });

  it('when the store cannot answer, a contact counts as new (an extra upsert beats a missing one)', async () => {
    const down: KnownJidsSource = {
      now: async () => '2026-01-01 00:00:00',
      seed: async () => ({ contacts: [], chats: [], contactsComplete: false, chatsComplete: false }),
      existing: async () => {
        throw new Error('connection refused');
      },
    };
    const mapper = mapperWith(down);
    await mapper.handle(message(ALICE, 'Alice'));
    expect(names()).toEqual(['CHATS_UPSERT', 'MESSAGES_UPSERT', 'CONTACTS_UPSERT']);
  });
});
