import { Module } from '@nestjs/common';
import { InstancesModule } from '@gw/instances';
import { ChatModule } from '../chat/chat.module';
import { InstancePresenceController } from './instance-presence.controller';
import { SettingsController } from './settings.controller';
import { SettingsUseCase } from './settings.use-case';

@Module({
  imports: [InstancesModule, ChatModule],
  controllers: [SettingsController, InstancePresenceController],
  providers: [SettingsUseCase],
})
export class SettingsModule {}
