export * from './redis.constants';
export * from './redis.provider';
export * from './redis-keys';
export * from './redis.module';
