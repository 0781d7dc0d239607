import { Module } from '@nestjs/common';
import { InstancesModule } from '@gw/instances';
import { CloudInboundService } from './cloud-inbound.service';
import { MetaInboundProcessor } from './meta-inbound.processor';
import { MetaWebhookController } from './meta-webhook.controller';
import { MetaWebhookIntake } from './meta-webhook-intake.service';

/** WhatsApp Cloud API: Meta's inbound webhooks (verification, signed notifications, durable processing). */
@Module({
  imports: [InstancesModule],
  controllers: [MetaWebhookController],
  providers: [MetaWebhookIntake, MetaInboundProcessor, CloudInboundService],
})
export class CloudApiModule {}
