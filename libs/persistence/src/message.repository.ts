import { Injectable } from '@nestjs/common';
import type { EngineMessage, Json, MessageKey } from '@gw/whatsapp';
import { PrismaService } from './prisma.service';

/** Messages by WhatsApp key id, per instance. Inserts are idempotent (unique instanceId+keyId). */
@Injectable()
export class MessageRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Stores the messages not seen before and returns their DB ids by WhatsApp key id. */
  async insertNew(instanceId: string, messages: EngineMessage[]): Promise<Map<string, string>> {
    const fresh = new Map<string, string>();
    const unique = [...new Map(messages.filter((m) => m.key.id).map((m) => [m.key.id, m])).values()];
    // Chunks keep each statement well under Postgres' 65535-parameter limit.
    for (let i = 0; i < unique.length; i += 500) {
      const chunk = unique.slice(i, i + 500);
      const values: unknown[] = [];
      const rows = chunk.map((m, j) => {
        values.push(
          instanceId,
          m.key.id,
          m.key.remoteJid,
          m.key.fromMe,
          m.key.participant ?? null,
          m.pushName ?? null,
          m.messageType,
          m.message === null ? null : JSON.stringify(m.message),
          JSON.stringify(m.key),
          BigInt(Math.trunc(m.messageTimestamp)),
          m.status,
          m.source,
        );
        const b = j * 12;
        const p = (n: number) => `$${b + n}`;
        return `(gen_random_uuid(), ${p(1)}::uuid, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}::jsonb, ${p(9)}::jsonb, ${p(10)}, ${p(11)}, ${p(12)}, now())`;
      });
      const inserted = await this.prisma.$queryRawUnsafe<{ id: string; keyId: string }[]>(
        `INSERT INTO "Message" ("id","instanceId","keyId","remoteJid","fromMe","participant","pushName","messageType","message","key","messageTimestamp","status","source","updatedAt")
         VALUES ${rows.join(',')} ON CONFLICT ("instanceId","keyId") DO NOTHING RETURNING "id", "keyId"`,
        ...values,
      );
      for (const row of inserted) fresh.set(row.keyId, row.id);
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
}
