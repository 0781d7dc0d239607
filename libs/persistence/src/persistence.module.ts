import { Global, Module } from '@nestjs/common';
import { INSTANCE_LOOKUP } from '@gw/common';
import { AuthStateRepository } from './auth-state.repository';
import { CloudApiRepository } from './cloud-api.repository';
import { InstanceRepository } from './instance.repository';
import { DeliveryLogRepository } from './delivery-log.repository';
import { MessageRepository } from './message.repository';
import { PrismaService } from './prisma.service';
import { ProxyRepository } from './proxy.repository';
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
    CloudApiRepository,
    ProxyRepository,
    { provide: INSTANCE_LOOKUP, useExisting: InstanceRepository },
  ],
  exports: [PrismaService, InstanceRepository, AuthStateRepository, WebhookRepository, MessageRepository, DeliveryLogRepository, SettingsRepository, CloudApiRepository, ProxyRepository, INSTANCE_LOOKUP],
})
export class PersistenceModule {}
