import { Global, Module } from '@nestjs/common';
import { ChatRepository } from './chat.repository';
import { ContactRepository } from './contact.repository';
import { GroupMetadataRepository } from './group-metadata.repository';
import { KnownJidsRepository } from './known-jids.repository';
import { MessageQueryRepository } from './message-query.repository';
import { MessageUpdateRepository } from './message-update.repository';
import { StoreCountsRepository } from './store-counts.repository';
import { StoreRetentionService } from './store-retention.service';
import { StoreWriter } from './store-writer.service';

const EXPORTED = [
  ChatRepository,
  ContactRepository,
  GroupMetadataRepository,
  KnownJidsRepository,
  MessageQueryRepository,
  MessageUpdateRepository,
  StoreCountsRepository,
  StoreWriter,
];

/** The message store: repositories, the event writer and the retention job (needs PersistenceModule). */
@Global()
@Module({
  providers: [...EXPORTED, StoreRetentionService],
  exports: EXPORTED,
})
export class StoreModule {}
