import { Global, Module } from '@nestjs/common';
import { INSTANCE_LOOKUP } from '@gw/common';
import { CryptoModule } from '@gw/crypto';
import { AuthStateRepository } from './auth-state/auth-state.repository';
import { CloudApiRepository } from './cloud-api/cloud-api.repository';
import { DeliveryLogRepository } from './deliveries/delivery-log.repository';
import { RabbitmqOutboxRepository } from './deliveries/rabbitmq-outbox.repository';
import { RabbitmqRepository } from './integrations/rabbitmq.repository';
import { WebsocketRepository } from './integrations/websocket.repository';
import { InstanceFenceRepository } from './instances/instance-fence.repository';
import { InstanceRepository } from './instances/instance.repository';
import { SettingsRepository } from './instances/settings.repository';
import { ChatRepository } from './messages/chat.repository';
import { ContactRepository } from './messages/contact.repository';
import { GroupMetadataRepository } from './messages/group-metadata.repository';
import { KnownJidsRepository } from './messages/known-jids.repository';
import { MessageQueryRepository } from './messages/message-query.repository';
import { MessageUpdateRepository } from './messages/message-update.repository';
import { MessageRepository } from './messages/message.repository';
import { StoreCountsRepository } from './messages/store-counts.repository';
import { PrismaService } from './prisma.service';
import { ProxyRepository } from './proxy/proxy.repository';
import { SecretColumns } from './secrets/secret-columns.service';
import { SecretsAtRestCheck } from './secrets/secrets-at-rest.check';
import { WebhookRepository } from './webhooks/webhook.repository';

/** Every repository, by table group (the folders of this lib). */
const REPOSITORIES = [
  InstanceRepository,
  InstanceFenceRepository,
  SettingsRepository,
  AuthStateRepository,
  WebhookRepository,
  DeliveryLogRepository,
  RabbitmqOutboxRepository,
  RabbitmqRepository,
  WebsocketRepository,
  CloudApiRepository,
  ProxyRepository,
  MessageRepository,
  MessageQueryRepository,
  MessageUpdateRepository,
  ChatRepository,
  ContactRepository,
  GroupMetadataRepository,
  KnownJidsRepository,
  StoreCountsRepository,
];

@Global()
@Module({
  imports: [CryptoModule],
  providers: [PrismaService, SecretColumns, SecretsAtRestCheck, ...REPOSITORIES, { provide: INSTANCE_LOOKUP, useExisting: InstanceRepository }],
  exports: [CryptoModule, SecretColumns, PrismaService, ...REPOSITORIES, INSTANCE_LOOKUP],
})
export class PersistenceModule {}
