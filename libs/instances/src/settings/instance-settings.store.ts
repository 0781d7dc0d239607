import { Injectable } from '@nestjs/common';
import { InstanceSettingsFields, SettingsRepository } from '@gw/persistence';

/** Evolution's defaults: every behaviour off. */
export const DEFAULT_SETTINGS: InstanceSettingsFields = {
  rejectCall: false,
  msgCall: '',
  groupsIgnore: false,
  alwaysOnline: false,
  readMessages: false,
  readStatus: false,
  syncFullHistory: false,
  wavoipToken: '',
};

/** Long enough to spare the database on busy instances; a set on this node applies at once. */
const TTL_MS = 30_000;

/**
 * Instance settings as the running session consults them (on every message, call and open):
 * cached per instance, replaced on /settings/set. Settings calls are forwarded to the node
 * that runs the instance, so its cache is the one that changes.
 */
@Injectable()
export class InstanceSettingsStore {
  private readonly cache = new Map<string, { value: InstanceSettingsFields | null; at: number }>();

  constructor(private readonly repository: SettingsRepository) {}

  /** The stored settings, or null when the instance has never had any. */
  async find(instanceId: string): Promise<InstanceSettingsFields | null> {
    const hit = this.cache.get(instanceId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
    const value = await this.repository.find(instanceId);
    this.cache.set(instanceId, { value, at: Date.now() });
    return value;
  }

  /** What the session applies: the stored settings, or the defaults; never throws. */
  async effective(instanceId: string): Promise<InstanceSettingsFields> {
    return (await this.find(instanceId).catch(() => null)) ?? DEFAULT_SETTINGS;
  }

  async save(instanceId: string, fields: InstanceSettingsFields): Promise<InstanceSettingsFields> {
    const value = await this.repository.upsert(instanceId, fields);
    this.cache.set(instanceId, { value, at: Date.now() });
    return value;
  }

  forget(instanceId: string): void {
    this.cache.delete(instanceId);
  }
}
