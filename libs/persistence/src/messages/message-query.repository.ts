import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import type { Json, LastMessageRef, MessageKey } from '@gw/messages';
import { STATUS_RANK_SQL } from './message-update.repository';
import { SqlParams, pageClause } from './sql-params.util';
import type { MessageFilter, PageRequest } from './message-store.types';
import { UUID_RE } from './message-store.types';

export interface StoredMessageRow {
  id: string;
  keyId: string;
  key: MessageKey;
  pushName: string | null;
  messageType: string;
  message: Json | null;
  messageTimestamp: bigint;
  status: string;
  source: string;
  instanceId: string;
  updates: { status: string }[];
}

/**
 * The read side of the Message table for the find routes and chat patches (MessageRepository
 * writes it: the receive and send paths use its insert for deduplication).
 */
@Injectable()
export class MessageQueryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The newest stored message of a chat: archive/unread patches are anchored on it. */
  async newestOf(instanceId: string, remoteJid: string): Promise<LastMessageRef | undefined> {
    const row = await this.prisma.message.findFirst({
      where: { instanceId, remoteJid },
      orderBy: { messageTimestamp: 'desc' },
      select: { key: true, messageTimestamp: true },
    });
    return row ? { key: row.key as unknown as MessageKey, messageTimestamp: Number(row.messageTimestamp) } : undefined;
  }

  /** Newest first, with each message's status history; `total` counts every match. */
  async findPage(instanceId: string, filter: MessageFilter, page: PageRequest): Promise<{ total: number; rows: StoredMessageRow[] }> {
    const p = new SqlParams(instanceId)
      .where(filter.id, (x) => (UUID_RE.test(filter.id!) ? `m."id" = ${x}::uuid` : `m."keyId" = ${x}`))
      .where(filter.keyId, (x) => `m."keyId" = ${x}`)
      .where(filter.remoteJid, (x) => `m."remoteJid" = ${x}`)
      .where(filter.fromMe, (x) => `m."fromMe" = ${x}`)
      .where(filter.participant, (x) => `m."participant" = ${x}`)
      .where(filter.messageType, (x) => `m."messageType" = ${x}`)
      .where(filter.source, (x) => `m."source" = ${x}`)
      .where(filter.timestampGte, (x) => `m."messageTimestamp" >= ${x}`)
      .where(filter.timestampLte, (x) => `m."messageTimestamp" <= ${x}`);
    const where = p.whereSql(`m."instanceId" = $1::uuid`);
    const countValues = [...p.values];
    const [{ total }] = await this.prisma.$queryRawUnsafe<{ total: bigint }[]>(
      `SELECT count(*) AS total FROM "Message" m WHERE ${where}`,
      ...countValues,
    );
    const rows = await this.prisma.$queryRawUnsafe<StoredMessageRow[]>(
      `SELECT m."id", m."keyId", m."key", m."pushName", m."messageType", m."message", m."messageTimestamp", m."status",
              m."source", m."instanceId",
              COALESCE((SELECT json_agg(json_build_object('status', u."status") ORDER BY u."createdAt", ${STATUS_RANK_SQL('u."status"')})
                        FROM "MessageUpdate" u WHERE u."messageId" = m."id"), '[]'::json) AS "updates"
       FROM "Message" m WHERE ${where}
       ORDER BY m."messageTimestamp" DESC, m."id"
       ${pageClause(p, page)}`,
      ...p.values,
    );
    return { total: Number(total), rows };
  }
}
