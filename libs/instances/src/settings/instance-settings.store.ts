import { Injectable, OnModuleDestroy } from '@nestjs/common';
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
/** In a period's last second, the instances read lately are read again for the next one. */
export const SETTINGS_REFRESH_AHEAD_MS = 1_000;
/** Read within this long: kept warm across periods; older entries are dropped once expired. */
export const SETTINGS_KEEP_WARM_MS = 60_000;

interface Entry {
  value: InstanceSettingsFields | null;
  /** The TTL period it is valid for (see find): the one it was read in, or the next one when read ahead. */
  period: number;
  /** The last read (see refreshDue). */
  readAt: number;
}

/**
 * Instance settings as the running session consults them (on every message, call and open):
 * cached per instance, replaced on /settings/set. Settings calls are forwarded to the node
 * that runs the instance, so its cache is the one that changes.
 *
 * Entries expire together, at the end of each SETTINGS_TTL_MS period, and the first read after
 * it reloads every cached instance in one query: a node with a hundred busy instances makes one
 * settings query per period, not one per instance (each one a Prisma round trip on the message
 * path). The instances read within SETTINGS_KEEP_WARM_MS are read ahead in the period's last
 * second by a timer, so at the boundary no message waits for that query: before, every busy
 * instance's next event waited for it at once. A value is never older than one period and
 * SETTINGS_REFRESH_AHEAD_MS.
 */
@Injectable()
export class InstanceSettingsStore implements OnModuleDestroy {
  private readonly cache = new Map<string, Entry>();
  /** Bumped by save/forget: a reload that started before must not overwrite what they did. */
  private readonly versions = new Map<string, number>();
  /** Reads on their way, per instance. */
  private readonly inflight = new Map<string, { period: number; rows: Promise<Map<string, InstanceSettingsFields>> }>();
  private readonly timer = setInterval(() => void this.refreshDue(), SETTINGS_REFRESH_AHEAD_MS / 2).unref();
  /** The clock (tests move it). */
  now: () => number = Date.now;

  constructor(private readonly repository: SettingsRepository) {}

  /** The stored settings, or null when the instance has never had any. */
  async find(instanceId: string): Promise<InstanceSettingsFields | null> {
    const now = this.now();
    const period = Math.floor(now / SETTINGS_TTL_MS);
    const hit = this.cache.get(instanceId);
    if (hit && hit.period >= period) {
      hit.readAt = now;
      return hit.value;
    }
    const rows = this.inflightFor(instanceId, period) ?? this.reload([instanceId], period);
    return (await rows).get(instanceId) ?? null;
  }

  /** The read on its way that will cover `period` for this instance, if any. */
  private inflightFor(instanceId: string, period: number) {
    const inflight = this.inflight.get(instanceId);
    return inflight && inflight.period >= period ? inflight.rows : undefined;
  }

  /**
   * The timer's round (tests call it): in a period's last SETTINGS_REFRESH_AHEAD_MS, reads the
   * instances read within SETTINGS_KEEP_WARM_MS for the next period, in one query; drops the
   * expired entries not read that recently. A failed read-ahead leaves the boundary to the reads.
   * Settles when the read-ahead is done; never rejects.
   */
  refreshDue(): Promise<void> {
    const now = this.now();
    const period = Math.floor(now / SETTINGS_TTL_MS);
    const ahead = (period + 1) * SETTINGS_TTL_MS - now <= SETTINGS_REFRESH_AHEAD_MS;
    const due: string[] = [];
    for (const [id, entry] of this.cache) {
      const recent = now - entry.readAt <= SETTINGS_KEEP_WARM_MS;
      if (!recent && entry.period < period) this.cache.delete(id);
      else if (ahead && recent && entry.period <= period && !this.inflightFor(id, period + 1)) due.push(id);
    }
    return due.length ? this.reload(due, period + 1, false).then(() => undefined, () => undefined) : Promise.resolve();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /**
   * Reads in one query the settings of instances about to start together (a restore), so that
   * their first reads are cache hits instead of a query each. Already cached or on their way: skipped.
   */
  async warm(instanceIds: string[]): Promise<void> {
    const period = Math.floor(this.now() / SETTINGS_TTL_MS);
    const cold = instanceIds.filter((id) => (this.cache.get(id)?.period ?? -Infinity) < period && !this.inflightFor(id, period));
    if (cold.length) await this.reload(cold, period);
  }

  /**
   * Reads these instances for `period` in one query; `withExpired`: with every cached one whose
   * entry is from an earlier period (and not on its way).
   */
  private reload(instanceIds: string[], period: number, withExpired = true): Promise<Map<string, InstanceSettingsFields>> {
    const ids = new Set(instanceIds);
    if (withExpired) {
      for (const [id, entry] of this.cache) if (entry.period < period && !this.inflightFor(id, period)) ids.add(id);
    }
    const versions = new Map([...ids].map((id) => [id, this.versions.get(id) ?? 0]));
    const readAt = this.now();
    const rows = this.repository.findMany([...ids]).then((found) => {
      for (const id of ids) {
        if ((this.versions.get(id) ?? 0) !== versions.get(id)) continue;
        const before = this.cache.get(id);
        if (before && before.period > period) continue; // a read-ahead that ended first is newer
        this.cache.set(id, { value: found.get(id) ?? null, period, readAt: before?.readAt ?? readAt });
      }
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
    const now = this.now();
    // Valid as long as the entry it replaces (which may have been read ahead for the next period).
    const period = Math.max(Math.floor(now / SETTINGS_TTL_MS), this.cache.get(instanceId)?.period ?? -Infinity);
    this.cache.set(instanceId, { value, period, readAt: now });
    return value;
  }

  forget(instanceId: string): void {
    this.versions.set(instanceId, (this.versions.get(instanceId) ?? 0) + 1);
    this.cache.delete(instanceId);
    this.inflight.delete(instanceId);
  }
}
