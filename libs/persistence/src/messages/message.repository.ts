import { Injectable } from '@nestjs/common';
import type { EngineMessage, Json, MessageKey } from '@gw/messages';
import { PrismaService } from '../prisma.service';
import { GroupCommit } from '../group-commit.util';
import { storable, storableJson } from '../storable-text.util';

/** Up to this many messages an insert joins other instances' inserts; more (history) go alone. */
const LIVE_BATCH = 100;

/**
 * The write side of the Message table (the find routes read it through MessageQueryRepository):
 * messages by WhatsApp key id, per instance. Inserts are idempotent (unique instanceId+keyId).
 */
@Injectable()
export class MessageRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Live messages of every instance, one statement per group (see GroupCommit): at 5 msg/s on
   * each of a hundred instances, one INSERT per message and instance queued on the pool.
   */
  private readonly live = new GroupCommit<{ instanceId: string; messages: EngineMessage[] }, Map<string, string>>(
    (items) => this.insertRows(items),
    { maxInFlight: 2, maxItems: 200, keyOf: (item) => item.instanceId },
  );

  /** Stores the messages not seen before and returns their DB ids by WhatsApp key id. */
  async insertNew(instanceId: string, messages: EngineMessage[]): Promise<Map<string, string>> {
    const unique = [...new Map(messages.filter((m) => m.key.id).map((m) => [m.key.id, m])).values()];
    if (!unique.length) return new Map();
    if (unique.length <= LIVE_BATCH) return this.live.submit({ instanceId, messages: unique });
    // History: large, rare, and alone in its statements.
    const fresh = new Map<string, string>();
    for (let i = 0; i < unique.length; i += 1000) {
      const [rows] = await this.insertRows([{ instanceId, messages: unique.slice(i, i + 1000) }]);
      for (const [keyId, id] of rows) fresh.set(keyId, id);
    }
    return fresh;
  }

  /**
   * One statement from arrays through the pool (no per-row placeholders, no Prisma mapping) for
   * the messages of several instances; each item gets the ids of its newly stored messages.
   */
  private async insertRows(items: { instanceId: string; messages: EngineMessage[] }[]): Promise<Map<string, string>[]> {
    const rows = items.flatMap(({ instanceId, messages }) => messages.map((m) => ({ instanceId, m })));
    const { rows: inserted } = await this.prisma.pool.query<{ id: string; instanceId: string; keyId: string }>(
      `INSERT INTO "Message" ("id","instanceId","keyId","remoteJid","fromMe","participant","pushName","messageType","message","key","messageTimestamp","status","source","updatedAt")
       SELECT gen_random_uuid(), m.* , now()
       FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::boolean[], $5::varchar[], $6::text[], $7::varchar[], $8::jsonb[], $9::jsonb[], $10::bigint[], $11::varchar[], $12::varchar[])
         AS m("instanceId","keyId","remoteJid","fromMe","participant","pushName","messageType","message","key","messageTimestamp","status","source")
       ON CONFLICT ("instanceId","keyId") DO NOTHING RETURNING "id", "instanceId", "keyId"`,
      [
        rows.map((r) => r.instanceId),
        rows.map((r) => r.m.key.id),
        rows.map((r) => r.m.key.remoteJid),
        rows.map((r) => r.m.key.fromMe),
        rows.map((r) => r.m.key.participant ?? null),
        rows.map((r) => storable(r.m.pushName)),
        rows.map((r) => r.m.messageType),
        rows.map((r) => (r.m.message === null ? null : storableJson(r.m.message))),
        rows.map((r) => storableJson(r.m.key)),
        rows.map((r) => String(Math.trunc(r.m.messageTimestamp))),
        rows.map((r) => r.m.status),
        rows.map((r) => r.m.source),
      ],
    );
    const ids = new Map(inserted.map((r) => [`${r.instanceId}\u0000${r.keyId}`, r.id]));
    // A row is new for the first item that carries it (two items of one instance may meet here).
    return items.map(({ instanceId, messages }) => {
      const fresh = new Map<string, string>();
      for (const m of messages) {
        const slot = `${instanceId.toLowerCase()}\u0000${m.key.id}`;
        const id = ids.get(slot);
        if (id === undefined) continue;
        fresh.set(m.key.id, id);
        ids.delete(slot);
      }
      return fresh;
    });
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
