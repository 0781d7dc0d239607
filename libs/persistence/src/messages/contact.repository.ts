import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import { storable } from '../storable-text.util';
import type { EngineContact } from '@gw/messages';
import { isGroupJid } from './jid.util';
import { mergeById } from './merge-by-id.util';
import { SqlParams, pageClause } from './sql-params.util';
import type { ContactFilter, ContactKind, PageRequest } from './message-store.types';
import { UUID_RE } from './message-store.types';

export interface ContactRow {
  id: string;
  instanceId: string;
  remoteJid: string;
  pushName: string | null;
  name: string | null;
  profilePicUrl: string | null;
  lid: string | null;
  phoneNumber: string | null;
  kind: ContactKind;
  createdAt: Date;
  updatedAt: Date;
}

/** A JID seen only as a group participant, with its phone-number JID when WhatsApp gave one. */
export interface GroupMember {
  id: string;
  phoneNumber?: string;
}

/**
 * Contacts, groups and group members per instance (findContacts' `type`). A contact event
 * always wins over "only seen in a group"; a participant never downgrades a contact.
 */
@Injectable()
export class ContactRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Contact upserts/updates (events and history): fields an event leaves out keep their value. */
  async merge(instanceId: string, contacts: EngineContact[]): Promise<void> {
    const unique = mergeById(contacts);
    if (!unique.length) return;
    const picture = (c: EngineContact) => (c.imgUrl && /^https?:/.test(c.imgUrl) ? c.imgUrl : null);
    await this.prisma.$executeRawUnsafe(
      `INSERT INTO "Contact" ("id","instanceId","remoteJid","pushName","name","profilePicUrl","lid","phoneNumber","kind","updatedAt")
       SELECT gen_random_uuid(), $1::uuid, u.jid, u.push, u.name, u.pic, u.lid, u.pn, u.kind, now()
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
         AS u(jid, push, name, pic, lid, pn, kind)
       ON CONFLICT ("instanceId","remoteJid") DO UPDATE SET
         "pushName" = COALESCE(EXCLUDED."pushName", "Contact"."pushName"),
         "name" = COALESCE(EXCLUDED."name", "Contact"."name"),
         "profilePicUrl" = COALESCE(EXCLUDED."profilePicUrl", "Contact"."profilePicUrl"),
         "lid" = COALESCE(EXCLUDED."lid", "Contact"."lid"),
         "phoneNumber" = COALESCE(EXCLUDED."phoneNumber", "Contact"."phoneNumber"),
         "kind" = EXCLUDED."kind",
         "updatedAt" = now()`,
      instanceId,
      unique.map((c) => c.id),
      unique.map((c) => storable(c.notify ?? c.verifiedName)),
      unique.map((c) => storable(c.name)),
      unique.map(picture),
      unique.map((c) => c.lid ?? null),
      unique.map((c) => c.phoneNumber ?? null),
      unique.map((c): ContactKind => (isGroupJid(c.id) ? 'group' : 'contact')),
    );
  }

  /** Groups as contacts (type "group"), named by their subject. */
  async mergeGroups(instanceId: string, groups: { id: string; subject?: string }[]): Promise<void> {
    const unique = [...new Map(groups.filter((g) => g.id).map((g) => [g.id, g])).values()];
    if (!unique.length) return;
    await this.prisma.$executeRawUnsafe(
      `INSERT INTO "Contact" ("id","instanceId","remoteJid","pushName","kind","updatedAt")
       SELECT gen_random_uuid(), $1::uuid, u.jid, u.subject, 'group', now()
       FROM unnest($2::text[], $3::text[]) AS u(jid, subject)
       ON CONFLICT ("instanceId","remoteJid") DO UPDATE SET
         "pushName" = COALESCE(EXCLUDED."pushName", "Contact"."pushName"), "kind" = 'group', "updatedAt" = now()`,
      instanceId,
      unique.map((g) => g.id),
      unique.map((g) => storable(g.subject)),
    );
  }

  /** Participants not known otherwise become "group_member" rows; known JIDs are left as they are. */
  async addGroupMembers(instanceId: string, members: GroupMember[]): Promise<void> {
    const unique = [...new Map(members.filter((m) => m.id).map((m) => [m.id, m])).values()];
    if (!unique.length) return;
    await this.prisma.$executeRawUnsafe(
      `INSERT INTO "Contact" ("id","instanceId","remoteJid","phoneNumber","kind","updatedAt")
       SELECT gen_random_uuid(), $1::uuid, u.jid, u.pn, 'group_member', now()
       FROM unnest($2::text[], $3::text[]) AS u(jid, pn)
       ON CONFLICT ("instanceId","remoteJid") DO NOTHING`,
      instanceId,
      unique.map((m) => m.id),
      unique.map((m) => m.phoneNumber ?? null),
    );
  }

  /** Known contacts among `jids` (matched by remote JID, LID or phone-number JID): names for API answers. */
  async findKnown(instanceId: string, jids: string[]): Promise<ContactRow[]> {
    const unique = [...new Set(jids.filter(Boolean))];
    if (!unique.length) return [];
    return this.prisma.$queryRawUnsafe<ContactRow[]>(
      `SELECT "id","instanceId","remoteJid","pushName","name","profilePicUrl","lid","phoneNumber","kind","createdAt","updatedAt"
       FROM "Contact" WHERE "instanceId" = $1::uuid
         AND ("remoteJid" = ANY($2::text[]) OR "lid" = ANY($2::text[]) OR "phoneNumber" = ANY($2::text[]))`,
      instanceId,
      unique,
    );
  }

  async find(instanceId: string, filter: ContactFilter, page: PageRequest): Promise<ContactRow[]> {
    const p = new SqlParams(instanceId)
      .where(filter.remoteJid, (x) => `"remoteJid" = ${x}`)
      .where(filter.id, (x) => (UUID_RE.test(filter.id!) ? `"id" = ${x}::uuid` : `"remoteJid" = ${x}`))
      .where(filter.pushName, (x) => `"pushName" = ${x}`);
    return this.prisma.$queryRawUnsafe<ContactRow[]>(
      `SELECT "id","instanceId","remoteJid","pushName","name","profilePicUrl","lid","phoneNumber","kind","createdAt","updatedAt"
       FROM "Contact" WHERE ${p.whereSql(`"instanceId" = $1::uuid`)}
       ORDER BY "pushName" ASC NULLS LAST, "remoteJid" ASC
       ${pageClause(p, page)}`,
      ...p.values,
    );
  }

  /** JIDs of the instance's contacts (not groups, not members only seen in groups): sendStatus allContacts. */
  async contactJids(instanceId: string, limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ remoteJid: string }[]>(
      `SELECT "remoteJid" FROM "Contact"
       WHERE "instanceId" = $1::uuid AND "kind" = 'contact'
         AND ("remoteJid" LIKE '%@s.whatsapp.net' OR "remoteJid" LIKE '%@lid')
       ORDER BY "remoteJid" LIMIT $2`,
      instanceId,
      limit,
    );
    return rows.map((r) => r.remoteJid);
  }
}
