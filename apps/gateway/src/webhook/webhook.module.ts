import { Module } from '@nestjs/common';
import { LoadInstancePipe } from '../instance/instance.param';
import { DeliveriesController } from './deliveries.controller';
import { DeliveryLogService } from './delivery-log.service';
import { WebhookConfigService } from './webhook-config.service';
import { WebhookController } from './webhook.controller';

@Module({
  controllers: [WebhookController, DeliveriesController],
  providers: [WebhookConfigService, DeliveryLogService, LoadInstancePipe],
})
export class WebhookModule {}
