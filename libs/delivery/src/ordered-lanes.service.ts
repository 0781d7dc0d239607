import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { REDIS_CONNECTION, RedisKeys, presentFields, redisKeys } from '@gw/redis';
import type IORedis from 'ioredis';
import { DeliveryJob } from './delivery-job';

/** Appends to a lane and notes the lane under the delivery's id; returns 1 when the lane was empty (queue it at once). */
const PUSH = `redis.call('HSET', KEYS[2], ARGV[2], KEYS[1]); return redis.call('RPUSH', KEYS[1], ARGV[1])`;
/**
 * Drops the finished head and returns the next one, atomically (no job is queued twice), but
 * only when the head is the finished delivery: a job run again after its process died, which
 * had advanced already, gets the current head back (queueing it again is a no-op) instead of
 * dropping a delivery still in flight. The id is matched as the element's own key: a body or a
 * header inside the element is a JSON string, its quotes escaped.
 */
const ADVANCE = `
local head = redis.call('LINDEX', KEYS[1], 0)
if head and string.find(head, ARGV[1], 1, true) then
  redis.call('LPOP', KEYS[1])
  redis.call('HDEL', KEYS[2], ARGV[2])
  return redis.call('LINDEX', KEYS[1], 0)
end
return head`;

/**
 * Per-chat FIFO lanes for `ordered` webhooks: only a lane's head is in the queue; the next
 * delivery is released when the head is delivered or given up. A failing head blocks only
 * its own chat. Lanes live in Redis, so they survive restarts like the queue itself; a hash
 * of members (delivery id -> lane) lets the outbox sweeper leave waiting deliveries in their
 * lane instead of queueing them out of order.
 */
@Injectable()
export class OrderedLanes {
  private readonly keys: RedisKeys;
  private indexing?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REDIS_CONNECTION) private readonly redis: IORedis,
  ) {
    this.keys = redisKeys(config.redis.prefix);
  }

  laneKey(webhookId: string, chat: string): string {
    return this.keys.lane(webhookId, chat);
  }

  /** True when the job is the lane's head and must be queued now. */
  async push(job: DeliveryJob): Promise<boolean> {
    const n = (await this.redis.eval(PUSH, 2, job.laneKey!, this.keys.laneMembers(), JSON.stringify(job), job.deliveryId)) as number;
    return n === 1;
  }

  /** After `finishedId` (the head) was delivered or given up: the lane's next job, now its head, or null when the lane is empty. */
  async advance(laneKey: string, finishedId: string): Promise<DeliveryJob | null> {
    const next = (await this.redis.eval(ADVANCE, 2, laneKey, this.keys.laneMembers(), `"deliveryId":${JSON.stringify(finishedId)}`, finishedId)) as string | null;
    return next ? (JSON.parse(next) as DeliveryJob) : null;
  }

  /** The lane each of these deliveries waits in (or heads), for those in one. */
  lanesOf(deliveryIds: string[]): Promise<Map<string, string>> {
    return presentFields(this.redis, this.keys.laneMembers(), deliveryIds);
  }

  /**
   * Lanes written by a version before the member hash get their entries, once per deployment
   * (and awaited once per process), before a sweep relies on the hash: the first boot after an
   * upgrade sweeps, and would otherwise queue their waiting deliveries out of order.
   */
  indexOlderLanes(): Promise<void> {
    this.indexing ??= this.indexLanes().catch((err: unknown) => {
      this.indexing = undefined; // tried again by the next sweep
      throw err;
    });
    return this.indexing;
  }

  private async indexLanes(): Promise<void> {
    if (await this.redis.exists(this.keys.laneMembersIndexed())) return;
    let cursor = '0';
    do {
      const [next, laneKeys] = await this.redis.scan(cursor, 'MATCH', this.keys.lane('*', '*'), 'COUNT', 1000);
      cursor = next;
      for (const laneKey of laneKeys) {
        const ids = (await this.redis.lrange(laneKey, 0, -1)).map(deliveryIdOf).filter((id): id is string => !!id);
        if (ids.length) await this.redis.hset(this.keys.laneMembers(), ...ids.flatMap((id) => [id, laneKey]));
      }
    } while (cursor !== '0');
    await this.redis.set(this.keys.laneMembersIndexed(), new Date().toISOString());
  }

  /** The lane's head (the delivery that is, or should be, in the queue), or null when the lane is empty. */
  async head(laneKey: string): Promise<DeliveryJob | null> {
    const head = await this.redis.lindex(laneKey, 0);
    return head ? (JSON.parse(head) as DeliveryJob) : null;
  }
}

/** A lane element's delivery id, or undefined for anything else: one bad element must not stop every sweep. */
function deliveryIdOf(element: string): string | undefined {
  try {
    const id = (JSON.parse(element) as Partial<DeliveryJob>).deliveryId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
