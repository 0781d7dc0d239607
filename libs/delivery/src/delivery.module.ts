import { Global, Module } from '@nestjs/common';
import { EVENT_SINK } from '@gw/events';
import { RedisModule } from '@gw/redis';
import { AttemptLogWriter } from './attempt-log.writer';
import { BatchMembership } from './batch-membership.service';
import { DeliveryBatchProcessor } from './delivery-batch.processor';
import { DeliveryProducer } from './delivery-producer.service';
import { DeliveryMetrics } from './delivery.metrics';
import { DeliveryProcessor } from './delivery.processor';
import { OrderedLanes } from './ordered-lanes.service';
import { RabbitmqChannel, RabbitmqPublisher, RabbitmqRouting } from './rabbitmq';
import { LiveFanout, LiveStream, WebsocketSettingsCache } from './live-stream';
import { DeliverySweeper } from './delivery-sweeper.service';
import { SigningConfigCache } from './signing-config.cache';
import { WebhookAttempts } from './webhook-attempts.service';
import { WebhookHealth } from './webhook-health.service';
import { WebhookRouter } from './webhook-router.service';
import { WebhookTargetCache } from './webhook-target.cache';

/** Producer side (routing, numbering, enqueue) and, when DELIVERY_WORKER_ENABLED, the consumer. */
@Global()
@Module({
  imports: [RedisModule],
  providers: [
    DeliveryProducer,
    DeliveryProcessor,
    DeliveryBatchProcessor,
    WebhookAttempts,
    BatchMembership,
    DeliveryMetrics,
    AttemptLogWriter,
    OrderedLanes,
    DeliverySweeper,
    SigningConfigCache,
    WebhookHealth,
    WebhookRouter,
    WebhookTargetCache,
    RabbitmqChannel,
    RabbitmqPublisher,
    RabbitmqRouting,
    LiveFanout,
    LiveStream,
    WebsocketSettingsCache,
    { provide: EVENT_SINK, useExisting: WebhookRouter },
  ],
  exports: [EVENT_SINK, DeliveryProducer, DeliveryMetrics, WebhookTargetCache, SigningConfigCache, RabbitmqRouting, LiveFanout, WebsocketSettingsCache],
})
export class DeliveryModule {}
