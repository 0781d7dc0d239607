import { Module } from '@nestjs/common';
import { InstancesModule } from '@gw/instances';
import { MediaModule } from '@gw/media';
import { ConnectedSessions } from '../instance/connected-session.service';
import { MediaFetcher } from '../message/media-fetcher.service';
import { MediaLoader } from '../message/media.loader';
import { ChatActionsUseCase } from './chat-actions.use-case';
import { ChatController } from './chat.controller';
import { ChatSessionService } from './chat-session.service';
import { MediaBase64UseCase } from './media-base64.use-case';
import { ProfileUseCase } from './profile.use-case';

@Module({
  imports: [InstancesModule, MediaModule],
  controllers: [ChatController],
  providers: [
    ConnectedSessions,
    ChatSessionService,
    ChatActionsUseCase,
    ProfileUseCase,
    MediaBase64UseCase,
    MediaLoader,
    MediaFetcher,
  ],
  exports: [ChatSessionService, ProfileUseCase],
})
export class ChatModule {}
