import { Module } from '@nestjs/common';
import { AuthStateRepository } from '@gw/persistence';
import { WhatsAppModule } from '@gw/whatsapp';
import { ApplicationStartupNotifier } from './application-startup.notifier';
import { InstanceLifecycleService } from './instance-lifecycle.service';
import { InstanceRegistry } from './instance-registry.service';
import { SessionRestorer } from './session-restorer.service';

@Module({
  imports: [WhatsAppModule.forRoot(AuthStateRepository)],
  providers: [InstanceRegistry, InstanceLifecycleService, SessionRestorer, ApplicationStartupNotifier],
  exports: [InstanceRegistry, InstanceLifecycleService, SessionRestorer],
})
export class InstancesModule {}
