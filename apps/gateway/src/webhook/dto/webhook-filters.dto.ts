import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CHAT_TYPES } from '@gw/delivery';

/** A phone number (digits, +, spaces, -, parentheses) or a JID (…@s.whatsapp.net, @lid, @g.us, @newsletter, @broadcast). */
const JID_OR_NUMBER = /^(\+?[\d\s()-]{5,32}|[\w.:-]{1,64}@(s\.whatsapp\.net|c\.us|lid|g\.us|newsletter|broadcast))$/;
const MAX_JIDS = 1000;

/** Filters of one webhook: they apply to message events and are combined with AND. */
export class WebhookFiltersDto {
  @ApiPropertyOptional({ description: 'true: only our own messages; false: only messages from others' })
  @IsOptional()
  @IsBoolean({ message: 'filters.fromMe must be true or false' })
  fromMe?: boolean;

  @ApiPropertyOptional({ enum: CHAT_TYPES, isArray: true, description: 'Only chats of these kinds (broadcast includes status)' })
  @IsOptional()
  @IsArray()
  @IsIn(CHAT_TYPES, { each: true, message: `filters.chatTypes must be among ${CHAT_TYPES.join(', ')}` })
  chatTypes?: string[];

  @ApiPropertyOptional({ type: [String], example: ['5511999999999', '120363000000000000@g.us'], description: 'Only these chats (a contact addressed by LID matches its number)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_JIDS)
  @Matches(JID_OR_NUMBER, { each: true, message: 'filters.includeJids must be phone numbers or JIDs' })
  includeJids?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Never these chats' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_JIDS)
  @Matches(JID_OR_NUMBER, { each: true, message: 'filters.excludeJids must be phone numbers or JIDs' })
  excludeJids?: string[];

  @ApiPropertyOptional({ type: [String], example: ['conversation', 'imageMessage', 'audioMessage'], description: 'Only these message types' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  messageTypes?: string[];
}
