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
export const SETTINGS_TTL_MS = 30_000;

interface Entry {
  value: InstanceSettingsFields | null;
  /** The TTL period it was read in (see find). */
  period: number;
}

/**
 * Instance settings as the running session consults them (on every message, call and open):
 * cached per instance, replaced on /settings/set. Settings calls are forwarded to the node
 * that runs the instance, so its cache is the one that changes.
 *
 * Entries expire together, at the end of each SETTINGS_TTL_MS period, and the first read after
 * it reloads every cached instance in one query: a node with a hundred busy instances makes one
 * settings query per period, not one per instance (each one a Prisma round trip on the message
 * path). A read is never older than one period, as with a per-entry TTL.
 */
@Injectable()
export class InstanceSettingsStore {
  private readonly cache = new Map<string, Entry>();
  /** Bumped by save/forget: a reload that started before must not overwrite what they did. */
  private readonly versions = new Map<string, number>();
  /** Reads on their way, per instance. */
  private readonly inflight = new Map<string, { period: number; rows: Promise<Map<string, InstanceSettingsFields>> }>();
  /** The clock (tests move it). */
  now: () => number = Date.now;

  constructor(private readonly repository: SettingsRepository) {}

  /** The stored settings, or null when the instance has never had any. */
  async find(instanceId: string): Promise<InstanceSettingsFields | null> {
    const period = Math.floor(this.now() / SETTINGS_TTL_MS);
    const hit = this.cache.get(instanceId);
    if (hit && hit.period === period) return hit.value;
    const inflight = this.inflight.get(instanceId);
    const rows = inflight?.period === period ? inflight.rows : this.reload([instanceId], period);
    return (await rows).get(instanceId) ?? null;
  }

  /**
   * Reads in one query the settings of instances about to start together (a restore), so that
   * their first reads are cache hits instead of a query each. Already cached or on their way: skipped.
   */
  async warm(instanceIds: string[]): Promise<void> {
    const period = Math.floor(this.now() / SETTINGS_TTL_MS);
    const cold = instanceIds.filter((id) => this.cache.get(id)?.period !== period && this.inflight.get(id)?.period !== period);
    if (cold.length) await this.reload(cold, period);
  }

  /** Reads these instances and every cached one whose entry is from an earlier period (and not on its way), in one query. */
  private reload(instanceIds: string[], period: number): Promise<Map<string, InstanceSettingsFields>> {
    const ids = new Set(instanceIds);
    for (const [id, entry] of this.cache) if (entry.period !== period && this.inflight.get(id)?.period !== period) ids.add(id);
    const versions = new Map([...ids].map((id) => [id, this.versions.get(id) ?? 0]));
    const rows = this.repository.findMany([...ids]).then((found) => {
      for (const id of ids) if ((this.versions.get(id) ?? 0) === versions.get(id)) this.cache.set(id, { value: found.get(id) ?? null, period });
      return found;
    });
    for (const id of ids) this.inflight.set(id, { period, rows });
    const done = () => {
      for (const id of ids) if (this.inflight.get(id)?.rows === rows) this.inflight.delete(id);
    };
    rows.then(done, done);
    return rows;
  }

  /** What the session applies: the stored settings, or the defaults; never throws. */
  async effective(instanceId: string): Promise<InstanceSettingsFields> {
    return (await this.find(instanceId).catch(() => null)) ?? DEFAULT_SETTINGS;
  }

  async save(instanceId: string, fields: InstanceSettingsFields): Promise<InstanceSettingsFields> {
    const value = await this.repository.upsert(instanceId, fields);
    this.versions.set(instanceId, (this.versions.get(instanceId) ?? 0) + 1);
    this.cache.set(instanceId, { value, period: Math.floor(this.now() / SETTINGS_TTL_MS) });
    return value;
  }

  forget(instanceId: string): void {
    this.versions.set(instanceId, (this.versions.get(instanceId) ?? 0) + 1);
    this.cache.delete(instanceId);
    this.inflight.delete(instanceId);
  }
}
