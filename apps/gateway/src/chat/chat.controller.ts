import { Body, Controller, Delete, Get, HttpCode, Post, applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { MediaBody } from '@gw/common';
import type { InstanceWithConfig } from '@gw/persistence';
import { InstanceParam } from '../instance/instance.param';
import { ChatActionsUseCase } from './chat-actions.use-case';
import { ArchiveChatDto, MarkChatUnreadDto } from './dto/chat-modify.dto';
import { DeleteMessageDto } from './dto/delete-message.dto';
import { GetBase64Dto } from './dto/media-message.dto';
import { BlockStatusDto, NumberDto, OptionalNumberDto } from './dto/number.dto';
import { PrivacySettingsDto, ProfileNameDto, ProfilePictureDto, ProfileStatusDto } from './dto/profile.dto';
import { ReadMessagesDto } from './dto/read-messages.dto';
import { SendPresenceDto } from './dto/send-presence.dto';
import { UpdateMessageDto } from './dto/update-message.dto';
import { WhatsappNumbersDto } from './dto/whatsapp-numbers.dto';
import { MediaBase64UseCase } from './media-base64.use-case';
import { ProfileUseCase } from './profile.use-case';

/** `/chat/<action>/:instanceName` with its summary. */
const Route = (summary: string) => applyDecorators(ApiParam({ name: 'instanceName' }), ApiOperation({ summary }));
const P = (action: string) => `${action}/:instanceName`;

/** The /chat routes that act through WhatsApp (the finds live with the message store). v1 verbs (PUT): see V1_ALIASES. */
@ApiTags('Chat')
@ApiHeader({ name: 'apikey', required: true, description: 'Global API key or the instance token' })
@Controller('chat')
export class ChatController {
  constructor(
    private readonly actions: ChatActionsUseCase,
    private readonly profiles: ProfileUseCase,
    private readonly base64: MediaBase64UseCase,
  ) {}

  @Post(P('whatsappNumbers'))
  @HttpCode(200)
  @Route('Which numbers have WhatsApp: [{exists, jid, number}]')
  whatsappNumbers(@InstanceParam() i: InstanceWithConfig, @Body() dto: WhatsappNumbersDto) {
    return this.actions.whatsappNumbers(i, dto);
  }

  @Post(P('markMessageAsRead'))
  @Route('Send read receipts (v2 readMessages, v1 read_messages)')
  markMessageAsRead(@InstanceParam() i: InstanceWithConfig, @Body() dto: ReadMessagesDto) {
    return this.actions.markMessageAsRead(i, dto);
  }

  @Post(P('archiveChat'))
  @Route('Archive or unarchive a chat')
  archiveChat(@InstanceParam() i: InstanceWithConfig, @Body() dto: ArchiveChatDto) {
    return this.actions.archiveChat(i, dto);
  }

  @Post(P('markChatUnread'))
  @Route('Mark a chat as unread')
  markChatUnread(@InstanceParam() i: InstanceWithConfig, @Body() dto: MarkChatUnreadDto) {
    return this.actions.markChatUnread(i, dto);
  }

  @Delete(P('deleteMessageForEveryone'))
  @HttpCode(201)
  @Route('Delete a message for everyone (JSON body with its key); MESSAGES_DELETE follows')
  deleteMessageForEveryone(@InstanceParam() i: InstanceWithConfig, @Body() dto: DeleteMessageDto) {
    return this.actions.deleteMessageForEveryone(i, dto);
  }

  @Post(P('updateMessage'))
  @HttpCode(200)
  @Route('Edit the text of one of our messages')
  updateMessage(@InstanceParam() i: InstanceWithConfig, @Body() dto: UpdateMessageDto) {
    return this.actions.updateMessage(i, dto);
  }

  @Post(P('sendPresence'))
  @Route('Show composing/recording in a chat for `delay` ms (the request waits)')
  sendPresence(@InstanceParam() i: InstanceWithConfig, @Body() dto: SendPresenceDto) {
    return this.actions.sendPresence(i, dto);
  }

  @Post(P('updateBlockStatus'))
  @Route('Block or unblock a contact')
  updateBlockStatus(@InstanceParam() i: InstanceWithConfig, @Body() dto: BlockStatusDto) {
    return this.actions.updateBlockStatus(i, dto);
  }

  @Post(P('fetchProfilePictureUrl'))
  @HttpCode(200)
  @Route('Avatar URL of a user or group: {wuid, profilePictureUrl}')
  fetchProfilePictureUrl(@InstanceParam() i: InstanceWithConfig, @Body() dto: NumberDto) {
    return this.profiles.fetchProfilePictureUrl(i, dto.number);
  }

  @Post(P('fetchProfile'))
  @HttpCode(200)
  @Route("A user's profile (ours without `number`)")
  fetchProfile(@InstanceParam() i: InstanceWithConfig, @Body() dto: OptionalNumberDto) {
    return this.profiles.fetchProfile(i, dto);
  }

  @Post(P('fetchBusinessProfile'))
  @HttpCode(200)
  @Route("A business account's profile")
  fetchBusinessProfile(@InstanceParam() i: InstanceWithConfig, @Body() dto: NumberDto) {
    return this.profiles.fetchBusinessProfile(i, dto.number);
  }

  @Post(P('getBase64FromMediaMessage'))
  @Route("A message's media as base64 ({message:{key:{id}}} from the store, or a full message)")
  getBase64FromMediaMessage(@InstanceParam() i: InstanceWithConfig, @Body() dto: GetBase64Dto) {
    return this.base64.execute(i, dto);
  }

  @Get(P('fetchPrivacySettings'))
  @Route('Privacy settings of the account')
  fetchPrivacySettings(@InstanceParam() i: InstanceWithConfig) {
    return this.profiles.fetchPrivacySettings(i);
  }

  @Post(P('updatePrivacySettings'))
  @Route('Change privacy settings (v2 flat, v1 under privacySettings)')
  updatePrivacySettings(@InstanceParam() i: InstanceWithConfig, @Body() dto: PrivacySettingsDto) {
    return this.profiles.updatePrivacySettings(i, dto);
  }

  @Post(P('updateProfileName'))
  @HttpCode(200)
  @Route('Change our push name')
  updateProfileName(@InstanceParam() i: InstanceWithConfig, @Body() dto: ProfileNameDto) {
    return this.profiles.updateProfileName(i, dto.name);
  }

  @Post(P('updateProfileStatus'))
  @HttpCode(200)
  @Route('Change our "about" text')
  updateProfileStatus(@InstanceParam() i: InstanceWithConfig, @Body() dto: ProfileStatusDto) {
    return this.profiles.updateProfileStatus(i, dto.status);
  }

  @Post(P('updateProfilePicture'))
  @HttpCode(200)
  @MediaBody()
  @Route('Change our avatar (URL, data URI or base64 image)')
  updateProfilePicture(@InstanceParam() i: InstanceWithConfig, @Body() dto: ProfilePictureDto) {
    return this.profiles.updateProfilePicture(i, dto.picture);
  }

  @Delete(P('removeProfilePicture'))
  @Route('Remove our avatar')
  removeProfilePicture(@InstanceParam() i: InstanceWithConfig) {
    return this.profiles.removeProfilePicture(i);
  }
}
