import { Global, Module } from '@nestjs/common';
import { EVENT_SINK } from '@gw/events';
import { DeliveryProducer } from './delivery-producer.service';
import { DeliveryProcessor } from './delivery.processor';
import { redisProvider } from './redis.provider';
import { WebhookRouter } from './webhook-router.service';
import { REDIS_CONNECTION } from './delivery.constants';
import { WebhookTargetCache } from './webhook-target.cache';

/** Producer side (routing + enqueue) and, when DELIVERY_WORKER_ENABLED, the consumer. */
@Global()
@Module({
  providers: [redisProvider, DeliveryProducer, DeliveryProcessor, WebhookRouter, WebhookTargetCache, { provide: EVENT_SINK, useExisting: WebhookRouter }],
  exports: [EVENT_SINK, DeliveryProducer, REDIS_CONNECTION, WebhookTargetCache],
})
export class DeliveryModule {}
