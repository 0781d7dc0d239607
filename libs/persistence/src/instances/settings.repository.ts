import { Injectable } from '@nestjs/common';
import { GroupCommit } from '../group-commit.util';
import { PrismaService } from '../prisma.service';

/** An instance's Evolution settings (the Setting row without ids and timestamps). */
export interface InstanceSettingsFields {
  rejectCall: boolean;
  msgCall: string;
  groupsIgnore: boolean;
  alwaysOnline: boolean;
  readMessages: boolean;
  readStatus: boolean;
  syncFullHistory: boolean;
  wavoipToken: string;
}

const FIELDS = {
  rejectCall: true,
  msgCall: true,
  groupsIgnore: true,
  alwaysOnline: true,
  readMessages: true,
  readStatus: true,
  syncFullHistory: true,
  wavoipToken: true,
} as const;

/** The Setting row of an instance (one per instance). */
@Injectable()
export class SettingsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Read when a runtime starts: the reads of instances restored together share one statement. */
  private readonly reads = new GroupCommit<string, InstanceSettingsFields | null>((ids) => this.readRows(ids), { maxInFlight: 2, maxItems: 500 });

  find(instanceId: string): Promise<InstanceSettingsFields | null> {
    return this.reads.submit(instanceId);
  }

  private async readRows(ids: string[]): Promise<(InstanceSettingsFields | null)[]> {
    const { rows } = await this.prisma.pool.query<InstanceSettingsFields & { iid: string }>(
      `SELECT "instanceId"::text AS iid, ${Object.keys(FIELDS).map((f) => `"${f}"`).join(', ')}
       FROM "Setting" WHERE "instanceId" = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(rows.map(({ iid, ...fields }) => [iid, fields]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  }

  /** The settings of several instances in one query: instances without a row are left out. */
  async findMany(instanceIds: string[]): Promise<Map<string, InstanceSettingsFields>> {
    const rows = await this.prisma.setting.findMany({ where: { instanceId: { in: instanceIds } }, select: { instanceId: true, ...FIELDS } });
    return new Map(rows.map(({ instanceId, ...fields }) => [instanceId, fields]));
  }

  upsert(instanceId: string, fields: InstanceSettingsFields): Promise<InstanceSettingsFields> {
    return this.prisma.setting.upsert({
      where: { instanceId },
      create: { instanceId, ...fields },
      update: fields,
      select: FIELDS,
    });
  }
}
