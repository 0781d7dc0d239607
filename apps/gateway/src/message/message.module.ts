import { Module } from '@nestjs/common';
import { InstancesModule } from '@gw/instances';
import { LoadInstancePipe } from '../instance/instance.param';
import { MediaFetcher } from './media-fetcher.service';
import { MediaLoader } from './media.loader';
import { MessageController } from './message.controller';
import { SendMessageUseCase } from './send-message.use-case';

@Module({
  imports: [InstancesModule],
  controllers: [MessageController],
  providers: [SendMessageUseCase, MediaLoader, MediaFetcher, LoadInstancePipe],
})
export class MessageModule {}
