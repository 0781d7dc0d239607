import { Global, Module } from '@nestjs/common';
import { StoreRetentionService } from './store-retention.service';
import { StoreWriter } from './store-writer.service';

/**
 * The message store's logic: the event writer and the retention job. Its tables and queries
 * belong to @gw/persistence (messages/), whose global module provides the repositories.
 */
@Global()
@Module({
  providers: [StoreWriter, StoreRetentionService],
  exports: [StoreWriter],
})
export class StoreModule {}
