import { Module } from '@nestjs/common';
import { MediaModule } from '@gw/media';
import { AuthStateRepository, CloudApiRepository } from '@gw/persistence';
import { RedisModule } from '@gw/redis';
import { WhatsAppModule } from '@gw/whatsapp';
import { ApplicationStartupNotifier } from './application-startup.notifier';
import { InstanceLeases } from './cluster/instance-lease.service';
import { NodeDirectory } from './cluster/node-directory.service';
import { InstanceLifecycleService } from './instance-lifecycle.service';
import { InstanceRegistry } from './instance-registry.service';
import { EventPipeline } from './pipeline/event-pipeline.service';
import { SessionRestorer } from './session-restorer.service';
import { InstanceSettingsStore } from './settings/instance-settings.store';

@Module({
  imports: [RedisModule, WhatsAppModule.forRoot(AuthStateRepository, CloudApiRepository), MediaModule],
  providers: [
    InstanceRegistry,
    InstanceLifecycleService,
    SessionRestorer,
    ApplicationStartupNotifier,
    InstanceLeases,
    NodeDirectory,
    InstanceSettingsStore,
    EventPipeline,
  ],
  exports: [InstanceRegistry, InstanceLifecycleService, SessionRestorer, InstanceLeases, NodeDirectory, InstanceSettingsStore, EventPipeline],
})
export class InstancesModule {}
