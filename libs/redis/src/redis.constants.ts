/** The process's shared ioredis connection (BullMQ queues and workers, leases, node directory, lanes). */
export const REDIS_CONNECTION = Symbol('REDIS_CONNECTION');
