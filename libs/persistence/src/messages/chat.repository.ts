import { Injectable } from '@nestjs/common';
import { GroupCommit, perInstanceWrites } from '../group-commit.util';
import { PrismaService } from '../prisma.service';
import { storable } from '../storable-text.util';
import type { EngineChat } from '@gw/messages';
import { mergeById } from './merge-by-id.util';
import { SqlParams, pageClause } from './sql-params.util';
import type { ChatFilter, PageRequest } from './message-store.types';
import { UUID_RE } from './message-store.types';

/** A chat with its contact's name and picture and its newest message (not a reaction). */
export interface ChatRow {
  id: string;
  remoteJid: string;
  name: string | null;
  unreadCount: number | null;
  archived: boolean | null;
  conversationTimestamp: bigint | null;
  lastInboundAt: bigint | null;
  createdAt: Date;
  updatedAt: Date;
  pushName: string | null;
  profilePicUrl: string | null;
  contactName: string | null;
  lastMessage: Record<string, unknown> | null;
}

/** Activity of one chat seen in messages: newest message time and newest message from the contact. */
export interface ChatActivity {
  remoteJid: string;
  timestamp: number;
  inboundTimestamp?: number;
}

interface ChatMergeRow {
  jid: string;
  name: string | null;
  unread: number | null;
  archived: boolean | null;
  ts: number | null;
  inbound: number | null;
}

interface ChatTouchRow {
  jid: string;
  ts: number;
  inbound: number | null;
}

/** Up to this many chats a write joins other instances' writes; more (history) go alone. */
const LIVE_BATCH = 100;
/** Chats whose written times this process remembers (~200 bytes each, so at most ~10 MB). */
const WRITTEN_MAX = 50_000;

/** Chats per instance. Writes are set-based (one statement per batch) and idempotent. */
@Injectable()
export class ChatRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Times this process wrote per chat (instance id + jid), once committed. Stored times only move
   * forward, and only delete() removes a row (or the instance's deletion, whose id never returns),
   * so these are lower bounds of what is stored: a touch they cover would change nothing, and is
   * not sent. Live messages come with a chat update that already moved both times, so this spares
   * a statement per message. Chat updates are never skipped: they also recreate a row deleted on
   * another node while the instance ran there.
   */
  private readonly written = new Map<string, { ts: number; inbound: number }>();

  /**
   * Chat writes of every instance share statements (see GroupCommit): each incoming message
   * moves its chat, and on a fleet of quiet instances that was one statement per message.
   */
  private readonly merges = new GroupCommit<{ instanceId: string; chats: ChatMergeRow[] }, void>(
    (items) => this.mergeRows(items),
    perInstanceWrites(),
  );
  private readonly touches = new GroupCommit<{ instanceId: string; chats: ChatTouchRow[] }, void>(
    (items) => this.touchRows(items),
    perInstanceWrites(),
  );

  /**
   * Merges chat upserts/updates: a field an event leaves out keeps its stored value, and
   * timestamps only move forward (history can arrive after live messages).
   */
  async merge(instanceId: string, chats: EngineChat[]): Promise<void> {
    const latest = new Map<string, number>();
    const inbound = new Map<string, number>();
    for (const c of chats) {
      if (c.id && c.conversationTimestamp) latest.set(c.id, Math.max(latest.get(c.id) ?? 0, c.conversationTimestamp));
      if (c.id && c.lastInboundAt) inbound.set(c.id, Math.max(inbound.get(c.id) ?? 0, c.lastInboundAt));
    }
    // timestamps only move forward, also between updates merged here
    const unique = mergeById(chats).map((c) => ({
      jid: c.id,
      name: storable(c.name),
      unread: c.unreadCount === undefined ? null : Math.trunc(c.unreadCount),
      archived: c.archived ?? null,
      ts: latest.get(c.id) ? Math.trunc(latest.get(c.id)!) : null,
      inbound: inbound.get(c.id) ? Math.trunc(inbound.get(c.id)!) : null,
    }));
    if (!unique.length) return;
    // History brings a hundred chats at once: those go alone.
    if (unique.length > LIVE_BATCH) return this.mergeRows([{ instanceId, chats: unique }]).then(() => undefined);
    return this.merges.submit({ instanceId, chats: unique });
  }

  private async mergeRows(items: { instanceId: string; chats: ChatMergeRow[] }[]): Promise<void[]> {
    const rows = items.flatMap(({ instanceId, chats }) => chats.map((c) => ({ instanceId, ...c })));
    await this.prisma.pool.query(
      `INSERT INTO "Chat" ("id","instanceId","remoteJid","name","unreadCount","archived","conversationTimestamp","lastInboundAt","updatedAt")
       SELECT gen_random_uuid(), u.iid, u.jid, u.name, u.unread, u.archived, u.ts, u.inbound, now()
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::bool[], $6::bigint[], $7::bigint[]) AS u(iid, jid, name, unread, archived, ts, inbound)
       ON CONFLICT ("instanceId","remoteJid") DO UPDATE SET
         "name" = COALESCE(EXCLUDED."name", "Chat"."name"),
         "unreadCount" = COALESCE(EXCLUDED."unreadCount", "Chat"."unreadCount"),
         "archived" = COALESCE(EXCLUDED."archived", "Chat"."archived"),
         "conversationTimestamp" = GREATEST(EXCLUDED."conversationTimestamp", "Chat"."conversationTimestamp"),
         "lastInboundAt" = GREATEST(EXCLUDED."lastInboundAt", "Chat"."lastInboundAt"),
         "updatedAt" = now()
       -- An update that changes nothing (say, one repeating what an activity touch wrote) leaves
       -- the row alone instead of writing a new row version and its index entries.
       WHERE (EXCLUDED."name" IS NOT NULL AND EXCLUDED."name" IS DISTINCT FROM "Chat"."name")
          OR (EXCLUDED."unreadCount" IS NOT NULL AND EXCLUDED."unreadCount" IS DISTINCT FROM "Chat"."unreadCount")
          OR (EXCLUDED."archived" IS NOT NULL AND EXCLUDED."archived" IS DISTINCT FROM "Chat"."archived")
          OR EXCLUDED."conversationTimestamp" > COALESCE("Chat"."conversationTimestamp", -1)
          OR EXCLUDED."lastInboundAt" > COALESCE("Chat"."lastInboundAt", -1)`,
      [
        rows.map((r) => r.instanceId),
        rows.map((r) => r.jid),
        rows.map((r) => r.name),
        rows.map((r) => r.unread),
        rows.map((r) => r.archived),
        rows.map((r) => r.ts),
        rows.map((r) => r.inbound),
      ],
    );
    this.remember(rows);
    return items.map(() => undefined);
  }

  /** Creates the chats messages belong to and moves their timestamps forward. */
  async touch(instanceId: string, activity: ChatActivity[]): Promise<void> {
    const byJid = new Map<string, ChatTouchRow>();
    for (const a of activity) {
      const cur = byJid.get(a.remoteJid) ?? { jid: a.remoteJid, ts: 0, inbound: null };
      cur.ts = Math.max(cur.ts, Math.trunc(a.timestamp));
      if (a.inboundTimestamp) cur.inbound = Math.max(cur.inbound ?? 0, Math.trunc(a.inboundTimestamp));
      byJid.set(a.remoteJid, cur);
    }
    const chats = [...byJid.values()].filter((c) => !this.covers(instanceId, c));
    if (!chats.length) return;
    if (chats.length > LIVE_BATCH) return this.touchRows([{ instanceId, chats }]).then(() => undefined);
    return this.touches.submit({ instanceId, chats });
  }

  private async touchRows(items: { instanceId: string; chats: ChatTouchRow[] }[]): Promise<void[]> {
    const rows = items.flatMap(({ instanceId, chats }) => chats.map((c) => ({ instanceId, ...c })));
    await this.prisma.pool.query(
      `INSERT INTO "Chat" ("id","instanceId","remoteJid","conversationTimestamp","lastInboundAt","updatedAt")
       SELECT gen_random_uuid(), u.iid, u.jid, u.ts, u.inbound, now()
       FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::bigint[]) AS u(iid, jid, ts, inbound)
       ON CONFLICT ("instanceId","remoteJid") DO UPDATE SET
         "conversationTimestamp" = GREATEST(EXCLUDED."conversationTimestamp", "Chat"."conversationTimestamp"),
         "lastInboundAt" = GREATEST(EXCLUDED."lastInboundAt", "Chat"."lastInboundAt"),
         "updatedAt" = now()
       -- Baileys sends a live message's chat update ahead of the message, and the merge of that
       -- update already moved both times: the touch then changes nothing and writes nothing.
       WHERE EXCLUDED."conversationTimestamp" > COALESCE("Chat"."conversationTimestamp", -1)
          OR EXCLUDED."lastInboundAt" > COALESCE("Chat"."lastInboundAt", -1)`,
      [rows.map((r) => r.instanceId), rows.map((r) => r.jid), rows.map((r) => r.ts), rows.map((r) => r.inbound)],
    );
    this.remember(rows);
    return items.map(() => undefined);
  }

  /** Whether the stored chat is known to be at least as new as this touch (which would then change nothing). */
  private covers(instanceId: string, c: ChatTouchRow): boolean {
    const known = this.written.get(`${instanceId} ${c.jid}`);
    return !!known && known.ts >= c.ts && (c.inbound === null || known.inbound >= c.inbound);
  }

  private remember(rows: { instanceId: string; jid: string; ts: number | null; inbound: number | null }[]): void {
    for (const r of rows) {
      const key = `${r.instanceId} ${r.jid}`;
      const known = this.written.get(key);
      const next = { ts: Math.max(known?.ts ?? -1, r.ts ?? -1), inbound: Math.max(known?.inbound ?? -1, r.inbound ?? -1) };
      this.written.delete(key); // re-inserted last, so the eviction takes the least recently written
      if (this.written.size >= WRITTEN_MAX) this.written.delete(this.written.keys().next().value!);
      this.written.set(key, next);
    }
  }

  async delete(instanceId: string, remoteJids: string[]): Promise<void> {
    if (!remoteJids.length) return;
    for (const jid of remoteJids) this.written.delete(`${instanceId} ${jid}`);
    await this.prisma.chat.deleteMany({ where: { instanceId, remoteJid: { in: remoteJids } } });
  }

  /** Newest conversation first; chats without any activity time last. */
  async find(instanceId: string, filter: ChatFilter, page: PageRequest): Promise<ChatRow[]> {
    const p = new SqlParams(instanceId)
      .where(filter.remoteJid, (x) => `c."remoteJid" = ${x}`)
      .where(filter.id, (x) => (UUID_RE.test(filter.id!) ? `(c."id" = ${x}::uuid)` : `c."remoteJid" = ${x}`))
      .where(filter.timestampGte, (x) => `c."conversationTimestamp" >= ${x}`)
      .where(filter.timestampLte, (x) => `c."conversationTimestamp" <= ${x}`);
    const where = p.whereSql(`c."instanceId" = $1::uuid`);
    return this.prisma.$queryRawUnsafe<ChatRow[]>(
      `SELECT c."id", c."remoteJid", c."name", c."unreadCount", c."archived", c."conversationTimestamp", c."lastInboundAt",
              c."createdAt", c."updatedAt", ct."pushName", ct."profilePicUrl", ct."name" AS "contactName",
              (SELECT row_to_json(m) FROM (
                 SELECT "id", "key", "pushName", "participant", "messageType", "message", "messageTimestamp",
                        "instanceId", "source", "status"
                 FROM "Message"
                 WHERE "instanceId" = c."instanceId" AND "remoteJid" = c."remoteJid" AND "messageType" <> 'reactionMessage'
                 ORDER BY "messageTimestamp" DESC LIMIT 1) m) AS "lastMessage"
       FROM "Chat" c
       LEFT JOIN "Contact" ct ON ct."instanceId" = c."instanceId" AND ct."remoteJid" = c."remoteJid"
       WHERE ${where}
       ORDER BY c."conversationTimestamp" DESC NULLS LAST, c."updatedAt" DESC, c."id"
       ${pageClause(p, page)}`,
      ...p.values,
    );
  }

  async findByRemoteJid(instanceId: string, remoteJid: string): Promise<ChatRow | null> {
    const [row] = await this.find(instanceId, { remoteJid }, { page: 1, pageSize: 1 });
    return row ?? null;
  }
}
