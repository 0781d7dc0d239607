export * from './redis.constants';
export * from './redis.provider';
export * from './redis-keys';
export * from './hash-fields.util';
export * from './redis.module';
