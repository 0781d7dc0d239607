import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { REDIS_CONNECTION, presentFields, redisKeys } from '@gw/redis';
import type IORedis from 'ioredis';

/**
 * Which batch job carries each delivery's first attempt (one Redis hash: delivery id -> job
 * id). A single delivery's job id is its own id, so the outbox sweeper can re-add it safely;
 * a batched one is found here instead. Entries live from dispatch until the batch has recorded
 * (or re-queued) every delivery it carries.
 */
@Injectable()
export class BatchMembership {
  private readonly key: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REDIS_CONNECTION) private readonly redis: IORedis,
  ) {
    this.key = redisKeys(config.redis.prefix).batched();
  }

  async record(batches: { jobId: string; deliveryIds: string[] }[]): Promise<void> {
    const fields = batches.flatMap((b) => b.deliveryIds.flatMap((id) => [id, b.jobId]));
    if (fields.length) await this.redis.hset(this.key, ...fields);
  }

  async forget(deliveryIds: string[]): Promise<void> {
    if (deliveryIds.length) await this.redis.hdel(this.key, ...deliveryIds);
  }

  /** The batch job id of each delivery that has one. */
  lookup(deliveryIds: string[]): Promise<Map<string, string>> {
    return presentFields(this.redis, this.key, deliveryIds);
  }
}
