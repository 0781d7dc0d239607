import { Global, Module } from '@nestjs/common';
import { INSTANCE_LOOKUP } from '@gw/common';
import { AuthStateRepository } from './auth-state.repository';
import { InstanceRepository } from './instance.repository';
import { DeliveryLogRepository } from './delivery-log.repository';
import { MessageRepository } from './message.repository';
import { PrismaService } from './prisma.service';
import { SettingsRepository } from './settings.repository';
import { WebhookRepository } from './webhook.repository';

@Global()
@Module({
  providers: [
    PrismaService,
    InstanceRepository,
    AuthStateRepository,
    WebhookRepository,
    MessageRepository,
    DeliveryLogRepository,
    SettingsRepository,
    { provide: INSTANCE_LOOKUP, useExisting: InstanceRepository },
  ],
  exports: [PrismaService, InstanceRepository, AuthStateRepository, WebhookRepository, MessageRepository, DeliveryLogRepository, SettingsRepository, INSTANCE_LOOKUP],
})
export class PersistenceModule {}
