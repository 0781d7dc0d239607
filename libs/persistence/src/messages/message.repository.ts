import { Injectable } from '@nestjs/common';
import type { EngineMessage, Json, MessageKey } from '@gw/messages';
import { PrismaService } from '../prisma.service';
import { storable, storableJson } from '../storable-text.util';

/**
 * The write side of the Message table (the find routes read it through MessageQueryRepository):
 * messages by WhatsApp key id, per instance. Inserts are idempotent (unique instanceId+keyId).
 */
@Injectable()
export class MessageRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Stores the messages not seen before and returns their DB ids by WhatsApp key id. */
  async insertNew(instanceId: string, messages: EngineMessage[]): Promise<Map<string, string>> {
    const fresh = new Map<string, string>();
    const unique = [...new Map(messages.filter((m) => m.key.id).map((m) => [m.key.id, m])).values()];
    // One statement from arrays through the pool (no per-row placeholders, no Prisma mapping):
    // live messages come one per event, so this runs for every incoming message.
    for (let i = 0; i < unique.length; i += 1000) {
      const chunk = unique.slice(i, i + 1000);
      const { rows } = await this.prisma.pool.query<{ id: string; keyId: string }>(
        `INSERT INTO "Message" ("id","instanceId","keyId","remoteJid","fromMe","participant","pushName","messageType","message","key","messageTimestamp","status","source","updatedAt")
         SELECT gen_random_uuid(), $1::uuid, m.* , now()
         FROM unnest($2::varchar[], $3::varchar[], $4::boolean[], $5::varchar[], $6::text[], $7::varchar[], $8::jsonb[], $9::jsonb[], $10::bigint[], $11::varchar[], $12::varchar[])
           AS m("keyId","remoteJid","fromMe","participant","pushName","messageType","message","key","messageTimestamp","status","source")
         ON CONFLICT ("instanceId","keyId") DO NOTHING RETURNING "id", "keyId"`,
        [
          instanceId,
          chunk.map((m) => m.key.id),
          chunk.map((m) => m.key.remoteJid),
          chunk.map((m) => m.key.fromMe),
          chunk.map((m) => m.key.participant ?? null),
          chunk.map((m) => storable(m.pushName)),
          chunk.map((m) => m.messageType),
          chunk.map((m) => (m.message === null ? null : storableJson(m.message))),
          chunk.map((m) => storableJson(m.key)),
          chunk.map((m) => String(Math.trunc(m.messageTimestamp))),
          chunk.map((m) => m.status),
          chunk.map((m) => m.source),
        ],
      );
      for (const row of rows) fresh.set(row.keyId, row.id);
    }
    return fresh;
  }

  /** Records a new status; returns the DB id when the message is stored. */
  async updateStatus(instanceId: string, keyId: string, status: string | undefined): Promise<string | undefined> {
    if (status) {
      const rows = await this.prisma.$queryRawUnsafe<{ id: string }[]>(
        `UPDATE "Message" SET "status" = $3, "updatedAt" = now() WHERE "instanceId" = $1::uuid AND "keyId" = $2 RETURNING "id"`,
        instanceId,
        keyId,
        status,
      );
      return rows[0]?.id;
    }
    const row = await this.prisma.message.findUnique({ where: { instanceId_keyId: { instanceId, keyId } }, select: { id: true } });
    return row?.id;
  }

  /** The stored key and content of one message (what a reply needs to quote it). */
  async findByKeyId(instanceId: string, keyId: string): Promise<{ key: MessageKey; message: Json | null } | null> {
    const row = await this.prisma.message.findUnique({
      where: { instanceId_keyId: { instanceId, keyId } },
      select: { key: true, message: true },
    });
    return row ? { key: row.key as unknown as MessageKey, message: (row.message as Json | null) ?? null } : null;
  }

  async count(instanceId: string): Promise<number> {
    return this.prisma.message.count({ where: { instanceId } });
  }

  /**
   * Retention: deletes up to `limit` messages older than `cutoffSeconds` (message time), their
   * status history with them (cascade). Returns how many went; fewer than `limit` means done.
   */
  deleteOlderThan(cutoffSeconds: number, limit: number): Promise<number> {
    return this.prisma.$executeRawUnsafe(
      `DELETE FROM "Message" WHERE "id" IN (SELECT "id" FROM "Message" WHERE "messageTimestamp" < $1 LIMIT ${Math.trunc(limit)})`,
      cutoffSeconds,
    );
  }
}
