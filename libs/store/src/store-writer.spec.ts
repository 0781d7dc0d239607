import { Logger } from '@nestjs/common';
import type { AppConfig } from '@gw/config';
import {
  ChatRepository,
  ContactRepository,
  GroupMetadataRepository,
  MessageQueryRepository,
  MessageRepository,
  MessageUpdateRepository,
  PrismaService,
  StoreCountsRepository,
} from '@gw/persistence';
import { TestDatabase } from '@gw/testing';
import type { EngineEvent, EngineMessage } from '@gw/whatsapp';
import { RETENTION_BATCH, StoreRetentionService } from './store-retention.service';
import { StoreWriter, coalesce } from './store-writer.service';

/** The store writer and repositories against a real, migrated Postgres. */
describe('message store (Postgres)', () => {
  const db = new TestDatabase();
  let prisma: PrismaService;
  let instanceId: string;
  let otherInstanceId: string;
  let messages: MessageRepository;
  let chats: ChatRepository;
  let contacts: ContactRepository;
  let groups: GroupMetadataRepository;
  let updates: MessageUpdateRepository;
  let query: MessageQueryRepository;
  let writer: StoreWriter;

  const ALICE = '5511900000001@s.whatsapp.net';
  const BOB = '5511900000002@s.whatsapp.net';
  const GROUP = '120363000000000001@g.us';

  const msg = (id: string, remoteJid: string, ts: number, fromMe = false, text = id): EngineMessage => ({
    key: { remoteJid, fromMe, id },
    pushName: fromMe ? undefined : 'Alice',
    message: { conversation: text },
    messageType: 'conversation',
    messageTimestamp: ts,
    status: fromMe ? 'SERVER_ACK' : 'DELIVERY_ACK',
    source: 'android',
  });

  /** What the runtime does: the event path stores messages, the writer gets the event on the side. */
  async function deliver(event: EngineEvent, id = instanceId) {
    if (event.type === 'messages') await messages.insertNew(id, event.messages);
    if (event.type === 'history') await messages.insertNew(id, event.batch.messages);
    writer.record(id, event);
    await writer.drained(id);
  }

  beforeAll(async () => {
    await db.create();
    prisma = new PrismaService({ database: { url: db.url } } as AppConfig);
    instanceId = (await prisma.instance.create({ data: { name: 'store', token: 'T1' } })).id;
    otherInstanceId = (await prisma.instance.create({ data: { name: 'other', token: 'T2' } })).id;
    messages = new MessageRepository(prisma);
    chats = new ChatRepository(prisma);
    contacts = new ContactRepository(prisma);
    groups = new GroupMetadataRepository(prisma);
    updates = new MessageUpdateRepository(prisma);
    query = new MessageQueryRepository(prisma);
    writer = new StoreWriter(chats, contacts, groups, updates);
    Logger.overrideLogger(['error']);
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  it('a large history batch is stored set-based and a replay adds nothing', async () => {
    const history = Array.from({ length: 3000 }, (_, i) => msg(`H${String(i).padStart(5, '0')}`, i % 2 ? ALICE : BOB, 1_700_000_000 + i, i % 3 === 0));
    const event: EngineEvent = {
      type: 'history',
      batch: {
        chats: [{ id: ALICE, name: 'Alice', unreadCount: 2 }, { id: BOB, unreadCount: 0 }],
        contacts: [{ id: ALICE, name: 'Alice Saved', notify: 'Alice' }, { id: BOB, notify: 'Bob' }],
        messages: history,
      },
    };
    const started = Date.now();
    await deliver(event);
    const elapsed = Date.now() - started;
    await deliver(event); // replay
    expect(await prisma.message.count({ where: { instanceId } })).toBe(3000);
    expect(await prisma.chat.count({ where: { instanceId } })).toBe(2);
    expect(await prisma.contact.count({ where: { instanceId } })).toBe(2);
    const alice = await prisma.chat.findUnique({ where: { instanceId_remoteJid: { instanceId, remoteJid: ALICE } } });
    expect(alice).toMatchObject({ name: 'Alice', unreadCount: 2, conversationTimestamp: BigInt(1_700_000_000 + 2999) });
    // one INSERT per 500 messages plus a handful of set-based statements: well under a second here
    expect(elapsed).toBeLessThan(10_000);
    process.stdout.write(`history batch of 3000 messages stored in ${elapsed} ms\n`);
  });

  it('findPage: newest first, filters, pages that do not overlap, totals', async () => {
    const first = await query.findPage(instanceId, { remoteJid: ALICE }, { page: 1, pageSize: 100 });
    const second = await query.findPage(instanceId, { remoteJid: ALICE }, { page: 2, pageSize: 100 });
    expect(first.total).toBe(1500);
    expect(first.rows).toHaveLength(100);
    expect(first.rows[0].keyId).toBe('H02999');
    const ids = new Set(first.rows.map((r) => r.keyId));
    expect(second.rows.some((r) => ids.has(r.keyId))).toBe(false);
    expect(Number(second.rows[0].messageTimestamp)).toBeLessThan(Number(first.rows[99].messageTimestamp));
    const mine = await query.findPage(instanceId, { remoteJid: ALICE, fromMe: true, timestampGte: 1_700_002_900 }, { page: 1, pageSize: 50 });
    expect(mine.rows.every((r) => r.key.fromMe && Number(r.messageTimestamp) >= 1_700_002_900)).toBe(true);
    expect(mine.total).toBe(mine.rows.length);
    // scoped by instance
    expect((await query.findPage(otherInstanceId, {}, { page: 1, pageSize: 10 })).total).toBe(0);
  });

  it('receipts become status history (replays ignored); revokes mark the message DELETED; edits replace content', async () => {
    await deliver({ type: 'messages', origin: 'notify', messages: [msg('LIVE1', ALICE, 1_800_000_000, true)] });
    const key = { remoteJid: ALICE, fromMe: true, id: 'LIVE1' };
    const receipts: EngineEvent = { type: 'message-updates', updates: [{ key, status: 'DELIVERY_ACK' }, { key, status: 'READ' }] };
    await deliver(receipts);
    await deliver(receipts);
    await deliver({ type: 'message-updates', updates: [{ key, editedMessage: { conversation: 'edited' } }] });
    let [row] = (await query.findPage(instanceId, { keyId: 'LIVE1' }, { page: 1, pageSize: 1 })).rows;
    expect(row.updates).toEqual([{ status: 'DELIVERY_ACK' }, { status: 'READ' }]);
    expect(row.message).toEqual({ conversation: 'edited' });
    const history = await updates.find(instanceId, { keyId: 'LIVE1' }, { page: 1, pageSize: 10 });
    expect(history.map((h) => h.status)).toEqual(['DELIVERY_ACK', 'READ']);
    expect(history[0].messageId).toBe(row.id);

    await deliver({ type: 'messages-deleted', keys: [key] });
    [row] = (await query.findPage(instanceId, { keyId: 'LIVE1' }, { page: 1, pageSize: 1 })).rows;
    expect(row.status).toBe('DELETED');
    expect(row.updates.map((u) => u.status)).toEqual(['DELIVERY_ACK', 'READ', 'DELETED']);
  });

  it('chats: partial updates keep stored fields, timestamps only move forward, deletes remove; lastMessage is the newest', async () => {
    await deliver({ type: 'chats', action: 'update', chats: [{ id: ALICE, unreadCount: 5 }] });
    await deliver({ type: 'messages', origin: 'notify', messages: [msg('OLD1', ALICE, 1_600_000_000)] });
    const [alice] = await chats.find(instanceId, { remoteJid: ALICE }, { page: 1, pageSize: 10 });
    expect(alice).toMatchObject({ name: 'Alice', unreadCount: 5, conversationTimestamp: BigInt(1_800_000_000), contactName: 'Alice Saved' });
    expect(alice.lastMessage).toMatchObject({ key: { id: 'LIVE1' }, messageTimestamp: 1_800_000_000 });

    const all = await chats.find(instanceId, {}, { page: 1, pageSize: 10 });
    expect(all.map((c) => c.remoteJid)).toEqual([ALICE, BOB]); // most recent conversation first
    expect((await chats.find(instanceId, {}, { page: 2, pageSize: 1 })).map((c) => c.remoteJid)).toEqual([BOB]);
    await deliver({ type: 'chats-deleted', ids: [BOB] });
    expect(await chats.findByRemoteJid(instanceId, BOB)).toBeNull();
  });

  it("a chat update that repeats what the message's activity wrote leaves the row alone; a real change still writes", async () => {
    const CAROL = '5511900000003@s.whatsapp.net';
    const version = async () =>
      (await prisma.pool.query<{ v: string; unread: number | null; ts: string }>(
        `SELECT xmin::text AS v, "unreadCount" AS unread, "conversationTimestamp"::text AS ts FROM "Chat" WHERE "instanceId" = $1 AND "remoteJid" = $2`,
        [instanceId, CAROL],
      )).rows[0];
    // the message's activity touch, then a chat update repeating it
    await deliver({ type: 'messages', origin: 'notify', messages: [msg('C1', CAROL, 1_900_000_000)] });
    await deliver({ type: 'chats', action: 'update', chats: [{ id: CAROL, unreadCount: 1, conversationTimestamp: 1_900_000_000 }] });
    const first = await version();
    expect(first).toMatchObject({ unread: 1, ts: '1900000000' });
    // as Baileys sends a live message: its chat update (carrying the message's time) first, then the
    // message, whose touch then writes nothing
    await deliver({ type: 'chats', action: 'update', chats: [{ id: CAROL, unreadCount: 1, conversationTimestamp: 1_900_000_001, lastInboundAt: 1_900_000_001 }] });
    const merged = await version();
    expect(merged.v).not.toBe(first.v);
    expect((await chats.findByRemoteJid(instanceId, CAROL))?.lastInboundAt).toBe(BigInt(1_900_000_001));
    await deliver({ type: 'messages', origin: 'notify', messages: [msg('C1b', CAROL, 1_900_000_001)] });
    expect(await version()).toEqual(merged);
    await deliver({ type: 'messages', origin: 'notify', messages: [msg('C2', CAROL, 1_900_000_002)] });
    const touched = await version();
    expect(touched.v).not.toBe(merged.v);
    // the same time and unread count again: no new row version
    await deliver({ type: 'chats', action: 'update', chats: [{ id: CAROL, unreadCount: 1, conversationTimestamp: 1_900_000_002, lastInboundAt: 1_900_000_002 }] });
    expect(await version()).toEqual(touched);
    // nor does a message older than what the chat shows (history after live messages)
    await deliver({ type: 'messages', origin: 'notify', messages: [msg('C0', CAROL, 1_800_000_000)] });
    expect(await version()).toEqual(touched);
    // an older time alone changes nothing either; a new unread count, a name or a newer time does
    await deliver({ type: 'chats', action: 'update', chats: [{ id: CAROL, conversationTimestamp: 1_800_000_000 }] });
    expect(await version()).toEqual(touched);
    await deliver({ type: 'chats', action: 'update', chats: [{ id: CAROL, unreadCount: 2 }] });
    expect(await version()).toMatchObject({ unread: 2, ts: '1900000002' });
    await deliver({ type: 'chats', action: 'update', chats: [{ id: CAROL, name: 'Carol' }] });
    expect((await chats.findByRemoteJid(instanceId, CAROL))?.name).toBe('Carol');
    await deliver({ type: 'chats', action: 'update', chats: [{ id: CAROL, conversationTimestamp: 1_900_000_005 }] });
    expect(await version()).toMatchObject({ unread: 2, ts: '1900000005' });
    await deliver({ type: 'chats-deleted', ids: [CAROL] });
  });

  it('a touch the chat update already covered sends no statement; a deleted chat is created again by its next message', async () => {
    const DAVE = '5511900000004@s.whatsapp.net';
    const statements = jest.spyOn(prisma.pool, 'query');
    const chatWrites = () => statements.mock.calls.filter(([sql]) => typeof sql === 'string' && sql.includes('INSERT INTO "Chat"')).length;
    try {
      // as Baileys sends a live message: its chat update first, then the message
      await deliver({ type: 'chats', action: 'update', chats: [{ id: DAVE, unreadCount: 1, conversationTimestamp: 1_950_000_000, lastInboundAt: 1_950_000_000 }] });
      expect(chatWrites()).toBe(1);
      await deliver({ type: 'messages', origin: 'notify', messages: [msg('D1', DAVE, 1_950_000_000)] });
      expect(chatWrites()).toBe(1);
      // a newer message without a chat update moves the chat; one at the same time again does not
      await deliver({ type: 'messages', origin: 'notify', messages: [msg('D2', DAVE, 1_950_000_001)] });
      expect(chatWrites()).toBe(2);
      expect((await chats.findByRemoteJid(instanceId, DAVE))?.lastInboundAt).toBe(BigInt(1_950_000_001));
      await deliver({ type: 'messages', origin: 'notify', messages: [msg('D2b', DAVE, 1_950_000_001)] });
      expect(chatWrites()).toBe(2);
      // our own message at that time does not move the inbound time either
      await deliver({ type: 'messages', origin: 'notify', messages: [msg('D2c', DAVE, 1_950_000_001, true)] });
      expect(chatWrites()).toBe(2);
      await deliver({ type: 'chats-deleted', ids: [DAVE] });
      expect(await chats.findByRemoteJid(instanceId, DAVE)).toBeNull();
      await deliver({ type: 'messages', origin: 'notify', messages: [msg('D3', DAVE, 1_950_000_001)] });
      expect(chatWrites()).toBe(3);
      expect((await chats.findByRemoteJid(instanceId, DAVE))?.conversationTimestamp).toBe(BigInt(1_950_000_001));
    } finally {
      statements.mockRestore();
    }
    await deliver({ type: 'chats-deleted', ids: [DAVE] });
  });

  it('groups: metadata merged, participants kept current, members typed group_member until a contact event', async () => {
    const carol = '5511900000003@s.whatsapp.net';
    const dave = '5511900000004@s.whatsapp.net';
    await deliver({
      type: 'groups',
      action: 'upsert',
      groups: [{ id: GROUP, subject: 'Team', owner: ALICE, participants: [{ id: ALICE, admin: 'superadmin' }, { id: carol, admin: null }] }],
    });
    await deliver({ type: 'groups', action: 'update', groups: [{ id: GROUP, desc: 'our team' }] });
    await deliver({ type: 'group-participants', groupId: GROUP, action: 'add', participants: [{ id: dave }] });
    await deliver({ type: 'group-participants', groupId: GROUP, action: 'promote', participants: [{ id: carol }] });
    await deliver({ type: 'group-participants', groupId: GROUP, action: 'remove', participants: [{ id: ALICE }] });
    const group = await groups.find(instanceId, GROUP);
    expect(group).toMatchObject({ subject: 'Team', metadata: { owner: ALICE, desc: 'our team' } });
    expect(group!.participants).toEqual([
      { id: carol, admin: 'admin' },
      { id: dave, admin: null },
    ]);

    const kinds = async () =>
      Object.fromEntries((await contacts.find(instanceId, {}, { page: 1, pageSize: 50 })).map((c) => [c.remoteJid, c.kind]));
    expect(await kinds()).toMatchObject({ [GROUP]: 'group', [ALICE]: 'contact', [carol]: 'group_member', [dave]: 'group_member' });
    await deliver({ type: 'contacts', action: 'update', contacts: [{ id: carol, notify: 'Carol' }] });
    await deliver({ type: 'group-participants', groupId: GROUP, action: 'add', participants: [{ id: carol }] });
    expect((await kinds())[carol]).toBe('contact');
    const [byPage2] = await contacts.find(instanceId, {}, { page: 2, pageSize: 1 });
    const [byPage1] = await contacts.find(instanceId, {}, { page: 1, pageSize: 1 });
    expect(byPage2.id).not.toBe(byPage1.id);
    expect(await contacts.find(instanceId, { id: carol }, { page: 1, pageSize: 5 })).toEqual([expect.objectContaining({ pushName: 'Carol' })]);
  });

  it('a burst of events is coalesced: one write per run of the same kind, partial chat updates merged field by field', async () => {
    const CAROL = '5511900000009@s.whatsapp.net';
    const merges = jest.spyOn(chats, 'merge');
    const touches = jest.spyOn(chats, 'touch');
    // what a busy instance produces: each message brings its chat update
    writer.record(instanceId, { type: 'chats', action: 'update', chats: [{ id: CAROL, name: 'Carol' }] });
    writer.record(instanceId, { type: 'chats', action: 'update', chats: [{ id: CAROL, unreadCount: 3, conversationTimestamp: 1_900_000_200 }] });
    writer.record(instanceId, { type: 'chats', action: 'update', chats: [{ id: CAROL, conversationTimestamp: 1_900_000_100 }] });
    writer.record(instanceId, { type: 'messages', origin: 'notify', messages: [msg('BURST1', CAROL, 1_900_000_300)] });
    writer.record(instanceId, { type: 'messages', origin: 'notify', messages: [msg('BURST2', CAROL, 1_900_000_400)] });
    await writer.drained(instanceId);
    expect(merges).toHaveBeenCalledTimes(1);
    expect(touches).toHaveBeenCalledTimes(1);
    merges.mockRestore();
    touches.mockRestore();
    expect(await chats.findByRemoteJid(instanceId, CAROL)).toMatchObject({
      name: 'Carol',
      unreadCount: 3,
      conversationTimestamp: BigInt(1_900_000_400),
    });
  });

  it('NUL characters in chat, contact and group names are stored as U+FFFD instead of failing the batch', async () => {
    const DORA = '5511900000010@s.whatsapp.net';
    const NUL_GROUP = '120363000000000099@g.us';
    writer.record(instanceId, { type: 'chats', action: 'upsert', chats: [{ id: DORA, name: 'Do\u0000ra' }] });
    writer.record(instanceId, { type: 'contacts', action: 'upsert', contacts: [{ id: DORA, notify: 'Do\u0000ra' }] });
    writer.record(instanceId, { type: 'groups', action: 'upsert', groups: [{ id: NUL_GROUP, subject: 'Te\u0000am', desc: 'd\u0000' }] });
    await writer.drained(instanceId);
    expect(await chats.findByRemoteJid(instanceId, DORA)).toMatchObject({ name: 'Do\uFFFDra' });
    expect(await contacts.find(instanceId, { id: DORA }, { page: 1, pageSize: 1 })).toEqual([expect.objectContaining({ pushName: 'Do\uFFFDra' })]);
    expect(await groups.find(instanceId, NUL_GROUP)).toMatchObject({ subject: 'Te\uFFFDam', metadata: { desc: 'd\uFFFD' } });
  });

  it('on a quiet instance an event is written at once; what arrives during that write is written together after it', async () => {
    const ERIN = '5511900000011@s.whatsapp.net';
    const merges = jest.spyOn(chats, 'merge');
    writer.record(instanceId, { type: 'chats', action: 'upsert', chats: [{ id: ERIN, name: 'Erin' }] });
    await Promise.resolve();
    await Promise.resolve(); // the first write has taken its batch
    for (let n = 1; n <= 3; n++) writer.record(instanceId, { type: 'chats', action: 'update', chats: [{ id: ERIN, unreadCount: n }] });
    await writer.drained(instanceId);
    expect(merges.mock.calls.map(([, batch]) => batch.length)).toEqual([1, 3]);
    merges.mockRestore();
    expect(await chats.findByRemoteJid(instanceId, ERIN)).toMatchObject({ name: 'Erin', unreadCount: 3 });
  });

  it('coalesce merges each commuting kind between barriers, keeping order within a kind and the barriers in place', () => {
    const m = (id: string): EngineEvent => ({ type: 'messages', origin: 'notify', messages: [msg(id, ALICE, 1)] });
    const c = (action: 'update' | 'upsert', name: string): EngineEvent => ({ type: 'chats', action, chats: [{ id: ALICE, name }] });
    const out = coalesce([m('1'), c('update', 'a'), m('2'), c('upsert', 'b'), m('3'), { type: 'chats-deleted', ids: [ALICE] }, c('upsert', 'c')]);
    const describe = (e: EngineEvent) =>
      e.type === 'chats' ? `chats:${e.chats.map((x) => x.name).join('')}` : e.type === 'messages' ? `messages:${e.messages.map((x) => x.key.id).join('')}` : e.type;
    expect(out.map(describe)).toEqual(['messages:123', 'chats:ab', 'chats-deleted', 'chats:c']);
  });

  it('a failing write is logged and skipped: later events are still stored, and record() never throws', async () => {
    const missing = '00000000-0000-4000-8000-000000000000'; // no such instance: FK violation
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    expect(() => writer.record(missing, { type: 'chats', action: 'upsert', chats: [{ id: ALICE }] })).not.toThrow();
    writer.record(missing, { type: 'chats-deleted', ids: [ALICE] });
    await writer.drained(missing);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('could not store chats'));
    logged.mockRestore();
    await deliver({ type: 'chats', action: 'upsert', chats: [{ id: BOB, name: 'Bob again' }] });
    expect(await chats.findByRemoteJid(instanceId, BOB)).toMatchObject({ name: 'Bob again' });
  });

  it('_count per instance', async () => {
    const counts = await new StoreCountsRepository(prisma).forInstances([instanceId, otherInstanceId]);
    expect(counts.get(instanceId)).toEqual({
      Message: await prisma.message.count({ where: { instanceId } }),
      Contact: await prisma.contact.count({ where: { instanceId } }),
      Chat: await prisma.chat.count({ where: { instanceId } }),
    });
    expect(counts.get(otherInstanceId)).toEqual({ Message: 0, Contact: 0, Chat: 0 });
  });

  it('retention deletes messages older than the limit in bounded batches, with their status history', async () => {
    const now = Date.UTC(2027, 0, 1);
    const day = 24 * 3600;
    const recent = Math.floor(now / 1000) - 2 * day;
    const old = Array.from({ length: RETENTION_BATCH + 10 }, (_, i) => msg(`R${i}`, BOB, Math.floor(now / 1000) - 40 * day - i, true));
    await messages.insertNew(otherInstanceId, [...old, msg('KEEP', BOB, recent)]);
    await updates.record(otherInstanceId, [{ keyId: 'R1', remoteJid: BOB, fromMe: true, participant: '', status: 'READ' }]);
    const before = await prisma.message.count();
    const retention = new StoreRetentionService({ store: { messageRetentionDays: 30, retentionIntervalMs: 60_000 } } as AppConfig, messages, updates);
    const deleted = await retention.runOnce(now);
    // the earlier tests' messages (2023-2027 timestamps) older than 30 days go too
    const remaining = await prisma.message.findMany({ select: { keyId: true, messageTimestamp: true } });
    expect(deleted).toBe(before - remaining.length);
    expect(deleted).toBeGreaterThan(RETENTION_BATCH);
    expect(remaining.every((m) => Number(m.messageTimestamp) >= Math.floor(now / 1000) - 30 * day)).toBe(true);
    expect(remaining.map((m) => m.keyId)).toContain('KEEP');
    expect(await prisma.messageUpdate.count({ where: { instanceId: otherInstanceId, keyId: 'R1' } })).toBe(0);
  });
});
