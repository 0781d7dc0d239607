import { Module } from '@nestjs/common';
import { InstancesModule } from '@gw/instances';
import { MediaModule } from '@gw/media';
import { ConnectedSessions } from '../instance/connected-session.service';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { IdempotencyStore } from './idempotency/idempotency.store';
import { MediaFetcher } from './media-fetcher.service';
import { MediaLoader } from './media.loader';
import { MessageController } from './message.controller';
import { MultipartUploadInterceptor } from './multipart-upload.interceptor';
import { OutgoingMediaService } from './outgoing-media.service';
import { SendMessageUseCase } from './send-message.use-case';

@Module({
  imports: [InstancesModule, MediaModule],
  controllers: [MessageController],
  providers: [ConnectedSessions, SendMessageUseCase, MediaLoader, MediaFetcher, OutgoingMediaService, MultipartUploadInterceptor, IdempotencyStore, IdempotencyInterceptor],
})
export class MessageModule {}
