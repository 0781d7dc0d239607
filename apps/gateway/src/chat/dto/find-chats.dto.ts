import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import { FindPageDto, MAX_PAGE_SIZE, MAX_SKIP, TimestampRangeDto } from './find-page.dto';

export class ChatWhereDto {
  @ApiPropertyOptional({ description: 'Chat JID or number' }) @IsOptional() @IsString() remoteJid?: string;

  @ApiPropertyOptional({ description: 'Chat id (UUID) or JID (n8n sends the JID here)' }) @IsOptional() @IsString() id?: string;

  @ApiPropertyOptional({ type: TimestampRangeDto, description: 'Last activity of the chat' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TimestampRangeDto)
  messageTimestamp?: TimestampRangeDto;
}

/** POST /chat/findChats: `page`/`offset` (what n8n sends) or Evolution's `take`/`skip`. */
export class FindChatsDto extends FindPageDto {
  @ApiPropertyOptional({ type: ChatWhereDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ChatWhereDto)
  where?: ChatWhereDto;

  @ApiPropertyOptional({ description: 'Page size (Evolution v2 spelling)' })
  @IsOptional()
  @IsInt({ message: 'take must be an integer' })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  take?: number;

  @ApiPropertyOptional({ description: 'Rows to skip (Evolution v2 spelling)' })
  @IsOptional()
  @IsInt({ message: 'skip must be an integer' })
  @Min(0)
  @Max(MAX_SKIP)
  skip?: number;
}

export class FindChatByRemoteJidQueryDto {
  @ApiProperty({ description: 'Chat JID or number' })
  @IsString({ message: 'remoteJid is required' })
  @IsNotEmpty({ message: 'remoteJid is required' })
  remoteJid: string;
}
