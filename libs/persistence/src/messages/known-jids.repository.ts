import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';

export type JidKind = 'contacts' | 'chats';

/** What the store held when a runtime started: the newest `limit` rows of each kind. */
export interface KnownJidsSeed {
  /** Database time of the snapshot (as text, compared in SQL only): rows created later came from events since. */
  at: string;
  contacts: string[];
  chats: string[];
  /** The snapshot holds every row of the kind (fewer than `limit`): a JID not in it is new. */
  contactsComplete: boolean;
  chatsComplete: boolean;
}

/**
 * Which contacts (kind contact, by remote JID, LID or phone-number JID) and chats the store
 * already had, so an instance can tell a contact's or chat's first appearance (CONTACTS_UPSERT,
 * CHATS_UPSERT) without a query per message.
 */
@Injectable()
export class KnownJidsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async seed(instanceId: string, limit: number): Promise<KnownJidsSeed> {
    const [{ at }] = await this.prisma.$queryRawUnsafe<{ at: string }[]>(`SELECT now()::timestamp(3)::text AS at`);
    const contacts = await this.prisma.$queryRawUnsafe<{ remoteJid: string; lid: string | null; phoneNumber: string | null }[]>(
      `SELECT "remoteJid","lid","phoneNumber" FROM "Contact"
       WHERE "instanceId" = $1::uuid AND "kind" = 'contact' AND "createdAt" < $2::timestamp(3)
       ORDER BY "updatedAt" DESC LIMIT $3`,
      instanceId,
      at,
      limit,
    );
    const chats = await this.prisma.$queryRawUnsafe<{ remoteJid: string }[]>(
      `SELECT "remoteJid" FROM "Chat" WHERE "instanceId" = $1::uuid AND "createdAt" < $2::timestamp(3)
       ORDER BY "updatedAt" DESC LIMIT $3`,
      instanceId,
      at,
      limit,
    );
    return {
      at,
      contacts: contacts.flatMap((c) => [c.remoteJid, c.lid, c.phoneNumber].filter((j): j is string => !!j)),
      chats: chats.map((c) => c.remoteJid),
      contactsComplete: contacts.length < limit,
      chatsComplete: chats.length < limit,
    };
  }

  /** The JIDs among `jids` the store held before `before` (a seed's `at`), with their other addressing for contacts. */
  async existing(instanceId: string, kind: JidKind, jids: string[], before: string): Promise<string[]> {
    if (!jids.length) return [];
    if (kind === 'chats') {
      const rows = await this.prisma.$queryRawUnsafe<{ remoteJid: string }[]>(
        `SELECT "remoteJid" FROM "Chat"
         WHERE "instanceId" = $1::uuid AND "remoteJid" = ANY($2::text[]) AND "createdAt" < $3::timestamp(3)`,
        instanceId,
        jids,
        before,
      );
      return rows.map((r) => r.remoteJid);
    }
    const rows = await this.prisma.$queryRawUnsafe<{ remoteJid: string; lid: string | null; phoneNumber: string | null }[]>(
      `SELECT "remoteJid","lid","phoneNumber" FROM "Contact"
       WHERE "instanceId" = $1::uuid AND "kind" = 'contact' AND "createdAt" < $3::timestamp(3)
         AND ("remoteJid" = ANY($2::text[]) OR "lid" = ANY($2::text[]) OR "phoneNumber" = ANY($2::text[]))`,
      instanceId,
      jids,
      before,
    );
    return rows.flatMap((c) => [c.remoteJid, c.lid, c.phoneNumber].filter((j): j is string => !!j));
  }
}
