import { Module } from '@nestjs/common';
import { DeliveriesController } from './deliveries.controller';
import { DeliveryLogService } from './delivery-log.service';
import { WebhookConfigService } from './webhook-config.service';
import { WebhookController } from './webhook.controller';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  controllers: [WebhookController, WebhooksController, DeliveriesController],
  providers: [WebhookConfigService, WebhooksService, DeliveryLogService],
})
export class WebhookModule {}
