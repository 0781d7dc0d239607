import { Global, Module } from '@nestjs/common';
import { REDIS_CONNECTION } from './redis.constants';
import { redisProvider } from './redis.provider';

/** One shared connection for the process; global so delivery, instances and the apps share it. */
@Global()
@Module({
  providers: [redisProvider],
  exports: [REDIS_CONNECTION],
})
export class RedisModule {}
