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

  /**
   * The settings of several instances, keyed by the ids asked for: instances without a row are
   * left out. Through the same group commit as find(), so calls made while a read is on its way
   * share the next statement: after a quiet minute a fleet's first messages each found their
   * instance's cache entry dropped, and 76 single-instance Prisma queries went out in the first
   * 1.5 s of a 100-instance burst.
   */
  async findMany(instanceIds: string[]): Promise<Map<string, InstanceSettingsFields>> {
    const rows = await Promise.all(instanceIds.map((id) => this.find(id)));
    const found = new Map<string, InstanceSettingsFields>();
    for (const [i, id] of instanceIds.entries()) {
      const row = rows[i];
      if (row) found.set(id, row);
    }
    return found;
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
