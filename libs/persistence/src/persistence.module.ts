import { Global, Module } from '@nestjs/common';
import { INSTANCE_LOOKUP } from '@gw/common';
import { CryptoModule } from '@gw/crypto';
import { SecretColumns } from './secret-columns.service';
import { SecretsAtRestCheck } from './secrets-at-rest.check';
import { AuthStateRepository } from './auth-state.repository';
import { CloudApiRepository } from './cloud-api.repository';
import { InstanceRepository } from './instance.repository';
import { DeliveryLogRepository } from './delivery-log.repository';
import { MessageRepository } from './message.repository';
import { PrismaService } from './prisma.service';
import { ProxyRepository } from './proxy.repository';
import { RabbitmqRepository } from './rabbitmq.repository';
import { WebsocketRepository } from './websocket.repository';
import { SettingsRepository } from './settings.repository';
import { WebhookRepository } from './webhook.repository';

@Global()
@Module({
  imports: [CryptoModule],
  providers: [
    PrismaService,
    SecretColumns,
    SecretsAtRestCheck,
    InstanceRepository,
    AuthStateRepository,
    WebhookRepository,
    MessageRepository,
    DeliveryLogRepository,
    SettingsRepository,
    CloudApiRepository,
    ProxyRepository,
    RabbitmqRepository,
    WebsocketRepository,
    { provide: INSTANCE_LOOKUP, useExisting: InstanceRepository },
  ],
  exports: [CryptoModule, SecretColumns, PrismaService, InstanceRepository, AuthStateRepository, WebhookRepository, MessageRepository, DeliveryLogRepository, SettingsRepository, CloudApiRepository, ProxyRepository, RabbitmqRepository, WebsocketRepository, INSTANCE_LOOKUP],
})
export class PersistenceModule {}
