import { Module } from '@nestjs/common';
import { InstancesModule } from '@gw/instances';
import { ChatModule } from '../chat/chat.module';
import { LoadInstancePipe } from '../instance/instance.param';
import { InstancePresenceController } from './instance-presence.controller';
import { SettingsController } from './settings.controller';
import { SettingsUseCase } from './settings.use-case';

@Module({
  imports: [InstancesModule, ChatModule],
  controllers: [SettingsController, InstancePresenceController],
  providers: [SettingsUseCase, LoadInstancePipe],
})
export class SettingsModule {}
