import { Module } from '@nestjs/common';
import { LoadInstancePipe } from '../instance/instance.param';
import { DeliveriesController } from './deliveries.controller';
import { DeliveryLogService } from './delivery-log.service';
import { WebhookConfigService } from './webhook-config.service';
import { WebhookController } from './webhook.controller';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  controllers: [WebhookController, WebhooksController, DeliveriesController],
  providers: [WebhookConfigService, WebhooksService, DeliveryLogService, LoadInstancePipe],
})
export class WebhookModule {}
