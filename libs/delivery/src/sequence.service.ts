import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import type IORedis from 'ioredis';
import { REDIS_CONNECTION } from './delivery.constants';

/**
 * Per-instance monotonic event numbers (Redis INCR, so every node of a cluster shares one
 * counter). Receivers order by it and spot gaps.
 */
@Injectable()
export class EventSequence {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_CONNECTION) private readonly redis: IORedis,
  ) {}

  next(instanceId: string): Promise<number> {
    return this.redis.incr(`${this.config.redis.prefix}:seq:${instanceId}`);
  }
}
