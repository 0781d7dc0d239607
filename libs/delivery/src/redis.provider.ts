import { Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import IORedis from 'ioredis';
import { REDIS_CONNECTION } from './delivery.constants';

/** BullMQ needs maxRetriesPerRequest null so blocking commands survive Redis blips. */
export const redisProvider: Provider = {
  provide: REDIS_CONNECTION,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) =>
    new IORedis(config.redis.url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false }),
};
