export * from './api-key.guard';
export * from './auth.decorators';
export * from './backoff.util';
export * from './evolution-exception.filter';
export * from './evolution.exception';
export * from './pino-logger.service';
export * from './secure-compare.util';
export * from './validation.pipe';
