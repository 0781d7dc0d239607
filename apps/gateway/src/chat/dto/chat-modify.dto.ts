import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { IsRecipient } from '../../message/dto/is-recipient.validator';
import { MessageKeyDto } from '../../message/dto/message-key.dto';

export class LastMessageDto {
  @ApiProperty({ type: MessageKeyDto })
  @IsObject()
  @ValidateNested()
  @Type(() => MessageKeyDto)
  key: MessageKeyDto;

  @ApiPropertyOptional({ description: 'unix seconds' })
  @IsOptional()
  @IsInt()
  @Min(0)
  messageTimestamp?: number;
}

/** markChatUnread: the chat, and/or its last message (found in the store when only `chat` is given). */
export class MarkChatUnreadDto {
  @ApiPropertyOptional({ example: '5511999999999@s.whatsapp.net' })
  @IsOptional()
  @IsString()
  @IsRecipient()
  chat?: string;

  @ApiPropertyOptional({ type: LastMessageDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => LastMessageDto)
  lastMessage?: LastMessageDto;
}

export class ArchiveChatDto extends MarkChatUnreadDto {
  @ApiProperty() @IsBoolean() archive: boolean;
}
