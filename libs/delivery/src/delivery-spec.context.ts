import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, loadConfig } from '@gw/config';
import { PersistenceModule } from '@gw/persistence';
import { DeliveryModule } from './delivery.module';

/** Where a delivery spec runs: its own database and Redis prefix. */
export interface DeliverySpecTarget {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
}

/**
 * For the delivery specs: the delivery pipeline as a process runs it (persistence and delivery
 * modules, initialised) on the spec's database and Redis prefix, `env` on top of a minimal
 * configuration (DELIVERY_WORKER_ENABLED=false makes a publisher without a worker).
 */
export async function deliveryContext(target: DeliverySpecTarget, env: Record<string, string> = {}): Promise<INestApplicationContext> {
  const config = loadConfig({
    AUTHENTICATION_API_KEY: 'k',
    DATABASE_URL: target.databaseUrl,
    REDIS_URL: target.redisUrl,
    REDIS_PREFIX: target.prefix,
    LOG_LEVEL: 'silent',
    ...env,
  });
  @Module({ imports: [ConfigModule.forRoot(config), PersistenceModule, DeliveryModule] })
  class DeliverySpecModule {}
  const app = await NestFactory.createApplicationContext(DeliverySpecModule, { logger: false });
  await app.init();
  return app;
}
