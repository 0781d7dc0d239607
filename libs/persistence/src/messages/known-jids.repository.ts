import { Injectable } from '@nestjs/common';
import { GroupCommit } from '../group-commit.util';
import { PrismaService } from '../prisma.service';

interface SeedRequest {
  instanceId: string;
  limit: number;
  /** The store's time at the runtime's start (see now()): only rows created before it. */
  before: string;
}

export type JidKind = 'contacts' | 'chats';

/** What the store held when a runtime started: the newest `limit` rows of each kind created before then. */
export interface KnownJidsSeed {
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

  /**
   * Every runtime reads the store's clock when it starts (a restore starts a thousand): callers
   * waiting together share one statement. Database time, since rows are stamped by the database.
   */
  private readonly clock = new GroupCommit<null, string>(
    async (items) => {
      const { rows: [{ at }] } = await this.prisma.pool.query<{ at: string }>(`SELECT now()::timestamp(3)::text AS at`);
      return items.map(() => at);
    },
    { maxInFlight: 1, maxItems: 100_000 },
  );

  /** The store's time now (as text, compared in SQL only): rows created later came from events since. */
  now(): Promise<string> {
    return this.clock.submit(null);
  }

  /** Seeds of several instances share two statements instead of two each. */
  private readonly seeds = new GroupCommit<SeedRequest, KnownJidsSeed>((items) => this.seedRows(items), { maxInFlight: 2, maxItems: 100 });

  /** The newest `limit` contacts and chats of the instance created before `before` (a time from now()). */
  seed(instanceId: string, limit: number, before: string): Promise<KnownJidsSeed> {
    return this.seeds.submit({ instanceId, limit, before });
  }

  private async seedRows(items: SeedRequest[]): Promise<KnownJidsSeed[]> {
    const pool = this.prisma.pool;
    const req = [items.map((i) => i.instanceId), items.map((i) => i.limit), items.map((i) => i.before)];
    const { rows: contacts } = await pool.query<{ n: string; remoteJid: string; lid: string | null; phoneNumber: string | null }>(
      `SELECT u.n, c."remoteJid", c."lid", c."phoneNumber"
       FROM unnest($1::uuid[], $2::int[], $3::text[]) WITH ORDINALITY AS u(iid, lim, cutoff, n)
       CROSS JOIN LATERAL (
         SELECT "remoteJid","lid","phoneNumber" FROM "Contact"
         WHERE "instanceId" = u.iid AND "kind" = 'contact' AND "createdAt" < u.cutoff::timestamp(3)
         ORDER BY "updatedAt" DESC LIMIT u.lim
       ) c`,
      req,
    );
    const { rows: chats } = await pool.query<{ n: string; remoteJid: string }>(
      `SELECT u.n, c."remoteJid"
       FROM unnest($1::uuid[], $2::int[], $3::text[]) WITH ORDINALITY AS u(iid, lim, cutoff, n)
       CROSS JOIN LATERAL (
         SELECT "remoteJid" FROM "Chat" WHERE "instanceId" = u.iid AND "createdAt" < u.cutoff::timestamp(3)
         ORDER BY "updatedAt" DESC LIMIT u.lim
       ) c`,
      req,
    );
    // by request (WITH ORDINALITY numbers them from 1): the same instance may be asked twice
    const seeds = items.map(() => ({ contacts: [] as string[], chats: [] as string[], contactRows: 0, chatRows: 0 }));
    for (const c of contacts) {
      const s = seeds[Number(c.n) - 1];
      s.contactRows += 1;
      for (const j of [c.remoteJid, c.lid, c.phoneNumber]) if (j) s.contacts.push(j);
    }
    for (const c of chats) {
      const s = seeds[Number(c.n) - 1];
      s.chatRows += 1;
      s.chats.push(c.remoteJid);
    }
    return items.map(({ limit }, k) => {
      const s = seeds[k];
      return { contacts: s.contacts, chats: s.chats, contactsComplete: s.contactRows < limit, chatsComplete: s.chatRows < limit };
    });
  }

  /** The JIDs among `jids` the store held before `before` (a time from now()), with their other addressing for contacts. */
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
