import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import type { Json, MessageKey } from '@gw/messages';
import { SqlParams, pageClause } from './sql-params.util';
import type { PageRequest, StatusFilter } from './message-store.types';

export interface StatusChange {
  keyId: string;
  remoteJid: string;
  fromMe: boolean;
  /** Who the receipt is from in a group; '' otherwise. */
  participant: string;
  status: string;
  pollUpdates?: Json[];
}

export interface MessageUpdateRow {
  id: string;
  keyId: string;
  remoteJid: string;
  fromMe: boolean;
  participant: string;
  status: string;
  pollUpdates: Json[] | null;
  messageId: string | null;
  instanceId: string;
  createdAt: Date;
}

/** Statuses in the order a message goes through them: rows written in the same instant sort by it. */
export const STATUS_RANK_SQL = (col: string) =>
  `array_position(ARRAY['ERROR','PENDING','SERVER_ACK','DELIVERY_ACK','READ','PLAYED','DELETED']::varchar[], ${col})`;

/** Status history of messages (receipts, revokes) and the content changes they bring (edits). */
@Injectable()
export class MessageUpdateRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** One row per (message, status, participant): a replayed receipt adds nothing. */
  async record(instanceId: string, changes: StatusChange[]): Promise<void> {
    if (!changes.length) return;
    await this.prisma.$executeRawUnsafe(
      `INSERT INTO "MessageUpdate" ("id","instanceId","messageId","keyId","remoteJid","fromMe","participant","status","pollUpdates")
       SELECT gen_random_uuid(), $1::uuid, m."id", u.key_id, u.jid, u.from_me, u.participant, u.status, u.polls::jsonb
       FROM unnest($2::text[], $3::text[], $4::bool[], $5::text[], $6::text[], $7::text[])
         AS u(key_id, jid, from_me, participant, status, polls)
       LEFT JOIN "Message" m ON m."instanceId" = $1::uuid AND m."keyId" = u.key_id
       ON CONFLICT ("instanceId","keyId","status","participant") DO NOTHING`,
      instanceId,
      changes.map((c) => c.keyId),
      changes.map((c) => c.remoteJid),
      changes.map((c) => c.fromMe),
      changes.map((c) => c.participant),
      changes.map((c) => c.status),
      changes.map((c) => (c.pollUpdates ? JSON.stringify(c.pollUpdates) : null)),
    );
  }

  /** Revoked (deleted for everyone) messages: status DELETED on the message and in its history. */
  async markDeleted(instanceId: string, keys: MessageKey[]): Promise<void> {
    if (!keys.length) return;
    await this.prisma.$executeRawUnsafe(
      `UPDATE "Message" SET "status" = 'DELETED', "updatedAt" = now() WHERE "instanceId" = $1::uuid AND "keyId" = ANY($2::text[])`,
      instanceId,
      keys.map((k) => k.id),
    );
    await this.record(
      instanceId,
      keys.map((k) => ({ keyId: k.id, remoteJid: k.remoteJid, fromMe: k.fromMe, participant: k.participant ?? '', status: 'DELETED' })),
    );
  }

  /** Edited messages: the stored content becomes the new one (findMessages shows what the chat shows). */
  async applyEdits(instanceId: string, edits: { keyId: string; message: Json }[]): Promise<void> {
    if (!edits.length) return;
    await this.prisma.$executeRawUnsafe(
      `UPDATE "Message" m SET "message" = u.msg::jsonb, "messageType" = u.type, "updatedAt" = now()
       FROM unnest($2::text[], $3::text[], $4::text[]) AS u(key_id, msg, type)
       WHERE m."instanceId" = $1::uuid AND m."keyId" = u.key_id`,
      instanceId,
      edits.map((e) => e.keyId),
      edits.map((e) => JSON.stringify(e.message)),
      edits.map((e) => Object.keys(e.message)[0] ?? 'conversation'),
    );
  }

  /** Retention: deletes up to `limit` status rows of messages never stored, older than `cutoff`. */
  deleteOrphansOlderThan(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRawUnsafe(
      `DELETE FROM "MessageUpdate" WHERE "id" IN (SELECT "id" FROM "MessageUpdate" WHERE "messageId" IS NULL AND "createdAt" < $1 LIMIT ${Math.trunc(limit)})`,
      cutoff,
    );
  }

  /** Oldest first, so a message's history reads in order. */
  async find(instanceId: string, filter: StatusFilter, page: PageRequest): Promise<MessageUpdateRow[]> {
    const p = new SqlParams(instanceId)
      .where(filter.remoteJid, (x) => `"remoteJid" = ${x}`)
      .where(filter.keyId, (x) => `"keyId" = ${x}`)
      .where(filter.fromMe, (x) => `"fromMe" = ${x}`)
      .where(filter.status, (x) => `"status" = ${x}`);
    return this.prisma.$queryRawUnsafe<MessageUpdateRow[]>(
      `SELECT "id","keyId","remoteJid","fromMe","participant","status","pollUpdates","messageId","instanceId","createdAt"
       FROM "MessageUpdate" WHERE ${p.whereSql(`"instanceId" = $1::uuid`)}
       ORDER BY "createdAt" ASC, ${STATUS_RANK_SQL('"status"')}, "id"
       ${pageClause(p, page)}`,
      ...p.values,
    );
  }
}
