import { Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import IORedis from 'ioredis';
import { REDIS_CONNECTION } from './redis.constants';

/** BullMQ needs maxRetriesPerRequest null so blocking commands survive Redis blips. */
export const redisProvider: Provider = {
  provide: REDIS_CONNECTION,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) =>
    new IORedis(config.redis.url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false }),
};

/**
 * A connection of its own for request paths that must fail fast rather than wait: no offline
 * queue, one retry, errors swallowed (callers time out or answer 503 themselves).
 */
export function createFailFastRedis(url: string): IORedis {
  const redis = new IORedis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
  redis.on('error', () => undefined);
  return redis;
}

/** A connection for SUBSCRIBE (a subscribed connection can do nothing else); it reconnects and resubscribes. */
export function createSubscriberRedis(url: string): IORedis {
  const redis = new IORedis(url, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined);
  return redis;
}
