import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { REDIS_CONNECTION, redisKeys } from '@gw/redis';
import { InstanceFenceRepository } from '@gw/persistence';
import { serviceUnavailable, withTimeout } from '@gw/common';
import type IORedis from 'ioredis';

/**
 * Takes the lease if free, or if it was left by an earlier run of this same node (same node id,
 * a fence this process does not hold: the node crashed and restarted). Either way the fence comes
 * from a per-instance counter and goes up, so the earlier run, were it somehow still alive, is
 * fenced out. Value = "<node>|<fence>". Returns {fence, previous value}, or {0, holder}.
 */
const ACQUIRE = `
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, #ARGV[1] + 1) ~= ARGV[1] .. '|' then return {0, v} end
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. fence, 'PX', ARGV[2])
return {fence, v or ''}`;
/**
 * Extends each lease (KEYS) this node still holds with that fence (ARGV, then the TTL); one
 * 0/1 per key. A lease that vanished (Redis restarted empty) is taken back with the same fence:
 * nobody else took it, so it is still ours.
 */
const RENEW_MANY = `
local ttl = ARGV[#KEYS + 1]
local out = {}
for i, key in ipairs(KEYS) do
  local v = redis.call('GET', key)
  if v == ARGV[i] then out[i] = redis.call('PEXPIRE', key, ttl)
  elseif not v then redis.call('SET', key, ARGV[i], 'PX', ttl); out[i] = 1
  else out[i] = 0 end
end
return out`;
/** Leases renewed per script call: a thousand instances cost two round trips per period, not a thousand. */
const RENEW_BATCH = 500;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Redis calls on request paths must not wait for a Redis that is away (ioredis queues them). */
const REDIS_TIMEOUT_MS = 1_500;
/** Taking a lease may wait longer: a busy Redis must not turn a create or connect into a 503. */
const ACQUIRE_TIMEOUT_MS = 5_000;

export interface LeaseOwner {
  nodeId: string;
  fence: number;
}

/**
 * Which node runs which instance: a Redis lease per instance (TTL, renewed by its holder).
 * Each acquisition gets a higher fencing token, also written to the instance row, so writes
 * of a paused former owner (auth state) are refused by Postgres once someone else took over.
 */
@Injectable()
export class InstanceLeases implements OnApplicationShutdown {
  private readonly logger = new Logger('Lease');
  private readonly held = new Map<string, number>();
  /** Acquisitions under way, so two callers in this process never take the lease twice (the second would reclaim the first). */
  private readonly acquiring = new Map<string, Promise<number | null>>();
  private renewTimer?: NodeJS.Timeout;
  private lostListener?: (instanceId: string) => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_CONNECTION) private readonly redis: IORedis,
    private readonly fences: InstanceFenceRepository,
  ) {}

  get nodeId() {
    return this.config.cluster.nodeId;
  }

  private key(instanceId: string) {
    return redisKeys(this.config.redis.prefix).lease(instanceId);
  }

  private fenceKey(instanceId: string) {
    return redisKeys(this.config.redis.prefix).fence(instanceId);
  }

  /** Called when a renewal finds the lease gone or taken: the runtime must stop at once. */
  onLost(listener: (instanceId: string) => void) {
    this.lostListener = listener;
  }

  /** The fence when acquired (or already held), null when another node holds it; 503 without Redis. */
  async acquire(instanceId: string): Promise<number | null> {
    const mine = this.held.get(instanceId);
    if (mine !== undefined) return mine;
    let pending = this.acquiring.get(instanceId);
    if (!pending) {
      pending = this.take(instanceId).finally(() => this.acquiring.delete(instanceId));
      this.acquiring.set(instanceId, pending);
    }
    return pending;
  }

  private async take(instanceId: string): Promise<number | null> {
    const [fence, previous] = await withTimeout(this.acquireLease(instanceId), ACQUIRE_TIMEOUT_MS, 'lease').catch((err: Error) => {
      throw serviceUnavailable(`Redis is unavailable, the instance cannot be started right now: ${err.message}`);
    });
    if (!fence) return null;
    if (previous) {
      this.logger.log(`reclaimed its own lease of instance ${instanceId} left by an earlier run of node ${this.nodeId} (${previous} -> fence ${fence})`);
    }
    // Postgres keeps the highest fence: auth writes of older owners no longer match it.
    await this.fences.raise(instanceId, fence);
    this.held.set(instanceId, fence);
    this.ensureRenewing();
    return fence;
  }

  private async acquireLease(instanceId: string): Promise<[number, string]> {
    const [fence, previous] = (await this.redis.eval(
      ACQUIRE,
      2,
      this.key(instanceId),
      this.fenceKey(instanceId),
      this.nodeId,
      String(this.config.cluster.leaseTtlMs),
    )) as [number, string];
    return [Number(fence), previous];
  }

  async release(instanceId: string): Promise<void> {
    const fence = this.held.get(instanceId);
    if (fence === undefined) return;
    this.held.delete(instanceId);
    await this.redis.eval(RELEASE, 1, this.key(instanceId), `${this.nodeId}|${fence}`).catch(() => undefined);
  }

  /** For a deleted instance: drops its lease and its fence counter (nothing may run it again). */
  async forget(instanceId: string): Promise<void> {
    this.held.delete(instanceId);
    await withTimeout(this.redis.del(this.key(instanceId), this.fenceKey(instanceId)), REDIS_TIMEOUT_MS, 'forget lease');
  }

  fenceOf(instanceId: string): number | undefined {
    return this.held.get(instanceId);
  }

  heldCount(): number {
    return this.held.size;
  }

  async owner(instanceId: string): Promise<LeaseOwner | null> {
    const value = await withTimeout(this.redis.get(this.key(instanceId)), REDIS_TIMEOUT_MS, 'lease owner');
    if (!value) return null;
    const [nodeId, fence] = value.split('|');
    return { nodeId, fence: Number(fence) };
  }

  /** Instance ids among `ids` whose lease nobody holds. */
  async unowned(ids: string[]): Promise<string[]> {
    return this.filterByLease(ids, (value) => !value);
  }

  /**
   * Instance ids among `ids` that this node may take at once: nobody holds their lease, or an
   * earlier run of this node does (it crashed; its leases would otherwise block until they expire).
   */
  async reclaimable(ids: string[]): Promise<string[]> {
    const own = `${this.nodeId}|`;
    return this.filterByLease(ids, (value, id) => !value || (value.startsWith(own) && !this.held.has(id)));
  }

  private async filterByLease(ids: string[], keep: (value: string | null, id: string) => boolean): Promise<string[]> {
    if (!ids.length) return [];
    const values = await withTimeout(this.redis.mget(ids.map((id) => this.key(id))), REDIS_TIMEOUT_MS, 'leases');
    return ids.filter((id, i) => keep(values[i], id));
  }

  private ensureRenewing() {
    if (this.renewTimer) return;
    this.renewTimer = setInterval(() => void this.renewAll(), Math.floor(this.config.cluster.leaseTtlMs / 3));
    this.renewTimer.unref();
  }

  private async renewAll() {
    const held = [...this.held];
    for (let i = 0; i < held.length; i += RENEW_BATCH) {
      const batch = held.slice(i, i + RENEW_BATCH);
      try {
        const renewed = (await withTimeout(
          this.redis.eval(
            RENEW_MANY,
            batch.length,
            ...batch.map(([instanceId]) => this.key(instanceId)),
            ...batch.map(([, fence]) => `${this.nodeId}|${fence}`),
            String(this.config.cluster.leaseTtlMs),
          ),
          REDIS_TIMEOUT_MS,
          'renew',
        )) as number[];
        // Only a lease still held with the fence that was renewed can be lost (not one re-acquired meanwhile).
        batch.forEach(([instanceId, fence], k) => {
          if (!renewed[k] && this.held.get(instanceId) === fence) this.lose(instanceId, 'lease taken over or expired');
        });
      } catch (err) {
        // Redis unreachable: keep running; if the leases expire meanwhile the next renewal says so.
        this.logger.warn(`could not renew ${batch.length} leases: ${(err as Error).message}`);
      }
    }
  }

  private lose(instanceId: string, why: string) {
    if (!this.held.delete(instanceId)) return;
    this.logger.warn(`lost instance ${instanceId}: ${why}`);
    this.lostListener?.(instanceId);
  }

  /** Last: leases are renewed while the instances stop (SessionRestorer.onModuleDestroy). */
  async onApplicationShutdown() {
    if (this.renewTimer) clearInterval(this.renewTimer);
    await Promise.all([...this.held.keys()].map((id) => this.release(id)));
  }
}
