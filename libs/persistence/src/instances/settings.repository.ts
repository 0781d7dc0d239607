import { Injectable } from '@nestjs/common';
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

  find(instanceId: string): Promise<InstanceSettingsFields | null> {
    return this.prisma.setting.findUnique({ where: { instanceId }, select: FIELDS });
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
