import { Injectable } from '@nestjs/common';
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

/** Chats per instance. Writes are set-based (one statement per batch) and idempotent. */
@Injectable()
export class ChatRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Merges chat upserts/updates: a field an event leaves out keeps its stored value, and
   * timestamps only move forward (history can arrive after live messages).
   */
  async merge(instanceId: string, chats: EngineChat[]): Promise<void> {
    const latest = new Map<string, number>();
    for (const c of chats) if (c.id && c.conversationTimestamp) latest.set(c.id, Math.max(latest.get(c.id) ?? 0, c.conversationTimestamp));
    // timestamps only move forward, also between updates merged here
    const unique = mergeById(chats).map((c) => ({ ...c, conversationTimestamp: latest.get(c.id) }));
    if (!unique.length) return;
    await this.prisma.$executeRawUnsafe(
      `INSERT INTO "Chat" ("id","instanceId","remoteJid","name","unreadCount","archived","conversationTimestamp","updatedAt")
       SELECT gen_random_uuid(), $1::uuid, u.jid, u.name, u.unread, u.archived, u.ts, now()
       FROM unnest($2::text[], $3::text[], $4::int[], $5::bool[], $6::bigint[]) AS u(jid, name, unread, archived, ts)
       ON CONFLICT ("instanceId","remoteJid") DO UPDATE SET
         "name" = COALESCE(EXCLUDED."name", "Chat"."name"),
         "unreadCount" = COALESCE(EXCLUDED."unreadCount", "Chat"."unreadCount"),
         "archived" = COALESCE(EXCLUDED."archived", "Chat"."archived"),
         "conversationTimestamp" = GREATEST(EXCLUDED."conversationTimestamp", "Chat"."conversationTimestamp"),
         "updatedAt" = now()`,
      instanceId,
      unique.map((c) => c.id),
      unique.map((c) => storable(c.name)),
      unique.map((c) => (c.unreadCount === undefined ? null : Math.trunc(c.unreadCount))),
      unique.map((c) => c.archived ?? null),
      unique.map((c) => (c.conversationTimestamp ? Math.trunc(c.conversationTimestamp) : null)),
    );
  }

  /** Creates the chats messages belong to and moves their timestamps forward. */
  async touch(instanceId: string, activity: ChatActivity[]): Promise<void> {
    const byJid = new Map<string, { ts: number; inbound: number | null }>();
    for (const a of activity) {
      const cur = byJid.get(a.remoteJid) ?? { ts: 0, inbound: null };
      cur.ts = Math.max(cur.ts, Math.trunc(a.timestamp));
      if (a.inboundTimestamp) cur.inbound = Math.max(cur.inbound ?? 0, Math.trunc(a.inboundTimestamp));
      byJid.set(a.remoteJid, cur);
    }
    if (!byJid.size) return;
    const rows = [...byJid.entries()];
    await this.prisma.$executeRawUnsafe(
      `INSERT INTO "Chat" ("id","instanceId","remoteJid","conversationTimestamp","lastInboundAt","updatedAt")
       SELECT gen_random_uuid(), $1::uuid, u.jid, u.ts, u.inbound, now()
       FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS u(jid, ts, inbound)
       ON CONFLICT ("instanceId","remoteJid") DO UPDATE SET
         "conversationTimestamp" = GREATEST(EXCLUDED."conversationTimestamp", "Chat"."conversationTimestamp"),
         "lastInboundAt" = GREATEST(EXCLUDED."lastInboundAt", "Chat"."lastInboundAt"),
         "updatedAt" = now()`,
      instanceId,
      rows.map(([jid]) => jid),
      rows.map(([, r]) => r.ts),
      rows.map(([, r]) => r.inbound),
    );
  }

  async delete(instanceId: string, remoteJids: string[]): Promise<void> {
    if (!remoteJids.length) return;
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
