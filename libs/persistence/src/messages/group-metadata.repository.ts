import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import { storable, storableJson } from '../storable-text.util';
import type { EngineGroupParticipant, Json, ParticipantAction } from '@gw/messages';

export interface StoredParticipant {
  id: string;
  phoneNumber?: string;
  admin?: string | null;
}

export interface GroupRow {
  groupJid: string;
  subject: string | null;
  metadata: Json;
  participants: StoredParticipant[] | null;
  updatedAt: Date;
}

/** Group metadata per instance: merged from group upserts/updates, participants kept current. */
@Injectable()
export class GroupMetadataRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** `groups` are WhatsApp group metadata objects (full on upsert, partial on update). */
  async merge(instanceId: string, groups: Json[]): Promise<void> {
    const unique = [...new Map(groups.filter((g) => typeof g.id === 'string').map((g) => [g.id as string, g])).values()];
    if (!unique.length) return;
    const split = unique.map((g) => {
      const { participants, ...rest } = g;
      return { id: g.id as string, subject: typeof g.subject === 'string' ? g.subject : null, rest, participants };
    });
    await this.prisma.$executeRawUnsafe(
      `INSERT INTO "GroupMetadata" ("id","instanceId","groupJid","subject","metadata","participants","updatedAt")
       SELECT gen_random_uuid(), $1::uuid, u.jid, u.subject, u.meta::jsonb, u.parts::jsonb, now()
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS u(jid, subject, meta, parts)
       ON CONFLICT ("instanceId","groupJid") DO UPDATE SET
         "subject" = COALESCE(EXCLUDED."subject", "GroupMetadata"."subject"),
         "metadata" = "GroupMetadata"."metadata" || EXCLUDED."metadata",
         "participants" = COALESCE(EXCLUDED."participants", "GroupMetadata"."participants"),
         "updatedAt" = now()`,
      instanceId,
      split.map((g) => g.id),
      split.map((g) => storable(g.subject)),
      split.map((g) => storableJson(g.rest)),
      split.map((g) => (Array.isArray(g.participants) ? JSON.stringify(g.participants.map(toStored)) : null)),
    );
  }

  /** Applies a participants change to the stored list (a row lock keeps concurrent changes apart). */
  async applyParticipants(
    instanceId: string,
    groupJid: string,
    action: ParticipantAction,
    changed: EngineGroupParticipant[],
  ): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRawUnsafe<{ participants: StoredParticipant[] | null }[]>(
        `SELECT "participants" FROM "GroupMetadata" WHERE "instanceId" = $1::uuid AND "groupJid" = $2 FOR UPDATE`,
        instanceId,
        groupJid,
      );
      const next = applyAction(row?.participants ?? [], action, changed);
      await tx.$executeRawUnsafe(
        `INSERT INTO "GroupMetadata" ("id","instanceId","groupJid","participants","updatedAt")
         VALUES (gen_random_uuid(), $1::uuid, $2, $3::jsonb, now())
         ON CONFLICT ("instanceId","groupJid") DO UPDATE SET "participants" = EXCLUDED."participants", "updatedAt" = now()`,
        instanceId,
        groupJid,
        JSON.stringify(next),
      );
    });
  }

  async find(instanceId: string, groupJid: string): Promise<GroupRow | null> {
    const row = await this.prisma.groupMetadata.findUnique({ where: { instanceId_groupJid: { instanceId, groupJid } } });
    if (!row) return null;
    return {
      groupJid: row.groupJid,
      subject: row.subject,
      metadata: row.metadata as Json,
      participants: row.participants as StoredParticipant[] | null,
      updatedAt: row.updatedAt,
    };
  }
}

function toStored(p: unknown): StoredParticipant {
  const x = p as { id: string; phoneNumber?: string; admin?: string | null };
  return { id: x.id, ...(x.phoneNumber ? { phoneNumber: x.phoneNumber } : {}), admin: x.admin ?? null };
}

function applyAction(list: StoredParticipant[], action: ParticipantAction, changed: EngineGroupParticipant[]): StoredParticipant[] {
  const ids = new Set(changed.map((c) => c.id));
  switch (action) {
    case 'add':
      return [...list.filter((p) => !ids.has(p.id)), ...changed.map(toStored)];
    case 'remove':
      return list.filter((p) => !ids.has(p.id));
    case 'promote':
    case 'demote':
      return list.map((p) => (ids.has(p.id) ? { ...p, admin: action === 'promote' ? 'admin' : null } : p));
    default:
      // 'modify' (a participant changed number): replace the entries it names
      return [...list.filter((p) => !ids.has(p.id)), ...changed.map(toStored)];
  }
}
