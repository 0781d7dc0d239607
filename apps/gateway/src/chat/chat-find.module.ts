import { Module } from '@nestjs/common';
import { ChatFindController } from './chat-find.controller';
import { ChatFindService } from './chat-find.service';

/** The find routes of /chat (repositories come from the global StoreModule). */
@Module({
  controllers: [ChatFindController],
  providers: [ChatFindService],
})
export class ChatFindModule {}
