import { Module } from '@nestjs/common';
import { LoadInstancePipe } from '../instance/instance.param';
import { WebhookConfigService } from './webhook-config.service';
import { WebhookController } from './webhook.controller';

@Module({
  controllers: [WebhookController],
  providers: [WebhookConfigService, LoadInstancePipe],
})
export class WebhookModule {}
