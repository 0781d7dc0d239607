import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import { FindPageDto, MAX_PAGE_SIZE, TimestampRangeDto, toBoolean } from './find-page.dto';

export class MessageKeyFilterDto {
  @ApiPropertyOptional({ description: 'WhatsApp message id' }) @IsOptional() @IsString() id?: string;

  @ApiPropertyOptional() @IsOptional() @Transform(toBoolean) @IsBoolean() fromMe?: boolean;

  @ApiPropertyOptional({ description: 'Chat JID or number' }) @IsOptional() @IsString() remoteJid?: string;

  @ApiPropertyOptional({ description: 'Group message author' }) @IsOptional() @IsString() participant?: string;

  @ApiPropertyOptional({ description: "Evolution's spelling of participant" }) @IsOptional() @IsString() participants?: string;
}

export class MessageWhereDto {
  @ApiPropertyOptional({ description: 'Stored message id (UUID) or WhatsApp message id' }) @IsOptional() @IsString() id?: string;

  @ApiPropertyOptional({ example: 'android' }) @IsOptional() @IsString() source?: string;

  @ApiPropertyOptional({ example: 'conversation' }) @IsOptional() @IsString() messageType?: string;

  @ApiPropertyOptional({ description: 'Chat JID or number (same as key.remoteJid)' }) @IsOptional() @IsString() remoteJid?: string;

  @ApiPropertyOptional({ type: MessageKeyFilterDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MessageKeyFilterDto)
  key?: MessageKeyFilterDto;

  @ApiPropertyOptional({ type: TimestampRangeDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TimestampRangeDto)
  messageTimestamp?: TimestampRangeDto;
}

/** POST /chat/findMessages: v2 `{where, page, offset}`; v1's `limit` is read as the page size. */
export class FindMessagesDto extends FindPageDto {
  @ApiPropertyOptional({ type: MessageWhereDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MessageWhereDto)
  where?: MessageWhereDto;

  @ApiPropertyOptional({ description: 'v1 page size' })
  @IsOptional()
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;
}
