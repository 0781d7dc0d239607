import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { REDIS_CONNECTION, redisKeys } from '@gw/redis';
import type IORedis from 'ioredis';
import { DeliveryJob } from './delivery-job';

/** Appends to a lane; returns 1 when the lane was empty (the caller schedules it at once). */
const PUSH = `return redis.call('RPUSH', KEYS[1], ARGV[1])`;
/** Drops the finished head and returns the next one (atomically, so no job is scheduled twice). */
const ADVANCE = `redis.call('LPOP', KEYS[1]); return redis.call('LINDEX', KEYS[1], 0)`;

/**
 * Per-chat FIFO lanes for `ordered` webhooks: only a lane's head is in the queue; the next
 * delivery is released when the head is delivered or given up. A failing head blocks only
 * its own chat. Lanes live in Redis, so they survive restarts like the queue itself.
 */
@Injectable()
export class OrderedLanes {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_CONNECTION) private readonly redis: IORedis,
  ) {}

  laneKey(webhookId: string, chat: string): string {
    return redisKeys(this.config.redis.prefix).lane(webhookId, chat);
  }

  /** True when the job is the lane's head and must be queued now. */
  async push(job: DeliveryJob): Promise<boolean> {
    const n = (await this.redis.eval(PUSH, 1, job.laneKey!, JSON.stringify(job))) as number;
    return n === 1;
  }

  /** The next job of the lane, now its head, or null when the lane is empty. */
  async advance(laneKey: string): Promise<DeliveryJob | null> {
    const next = (await this.redis.eval(ADVANCE, 1, laneKey)) as string | null;
    return next ? (JSON.parse(next) as DeliveryJob) : null;
  }
}
