import { Body, Controller, Get, HttpCode, Post, Query, applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { InstanceWithConfig } from '@gw/persistence';
import { InstanceParam } from '../instance/instance.param';
import { ChatFindService } from './chat-find.service';
import { FindChatByRemoteJidQueryDto, FindChatsDto } from './dto/find-chats.dto';
import { FindContactsDto } from './dto/find-contacts.dto';
import { FindMessagesDto } from './dto/find-messages.dto';
import { FindStatusMessageDto } from './dto/find-status-message.dto';

/** POST /chat/<action>/:instanceName answering 200, as Evolution's find routes do. */
const FindRoute = (action: string, summary: string, description: string) =>
  applyDecorators(
    Post(`${action}/:instanceName`),
    HttpCode(200),
    ApiParam({ name: 'instanceName' }),
    ApiOperation({ summary }),
    ApiOkResponse({ description }),
  );

/** The message store's query routes (the other /chat routes live in ChatController). */
@ApiTags('Chat')
@ApiHeader({ name: 'apikey', required: true, description: 'Global API key or the instance token' })
@Controller('chat')
export class ChatFindController {
  constructor(private readonly find: ChatFindService) {}

  @FindRoute('findMessages', 'Stored messages, newest first, paginated', '`{messages:{total,pages,currentPage,records:[...]}}`')
  findMessages(@InstanceParam() i: InstanceWithConfig, @Body() body: FindMessagesDto) {
    return this.find.findMessages(i.id, body);
  }

  @FindRoute('findChats', 'Stored chats with their last message, most recent first', 'Array of chats')
  findChats(@InstanceParam() i: InstanceWithConfig, @Body() body: FindChatsDto) {
    return this.find.findChats(i.id, body);
  }

  @FindRoute('findContacts', 'Stored contacts, groups and group members', 'Array of contacts (`type`: contact, group, group_member)')
  findContacts(@InstanceParam() i: InstanceWithConfig, @Body() body: FindContactsDto) {
    return this.find.findContacts(i.id, body);
  }

  @FindRoute('findStatusMessage', 'Status history of messages (receipts, deletions)', 'Array of status rows, oldest first')
  findStatusMessage(@InstanceParam() i: InstanceWithConfig, @Body() body: FindStatusMessageDto) {
    return this.find.findStatusMessage(i.id, body);
  }

  @Get('findChatByRemoteJid/:instanceName')
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'One stored chat by JID or number (404 when unknown)' })
  findChatByRemoteJid(@InstanceParam() i: InstanceWithConfig, @Query() query: FindChatByRemoteJidQueryDto) {
    return this.find.findChatByRemoteJid(i.id, query.remoteJid);
  }
}
