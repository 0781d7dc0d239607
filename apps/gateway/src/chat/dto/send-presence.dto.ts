import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import { IsRecipient } from '../../message/dto/is-recipient.validator';

export const CHAT_PRESENCES = ['composing', 'recording', 'paused'] as const;
/** Evolution's sends cap `delay` the same way: the request is held open for it. */
export const MAX_PRESENCE_DELAY_MS = 300_000;

export class PresenceOptionsDto {
  @ApiProperty({ enum: CHAT_PRESENCES }) @IsIn(CHAT_PRESENCES) presence: (typeof CHAT_PRESENCES)[number];

  @ApiProperty({ description: 'ms' })
  @IsInt()
  @Min(0)
  @Max(MAX_PRESENCE_DELAY_MS)
  delay: number;
}

/** v2 `{number, presence, delay}`; v1 `{number, options:{presence, delay}}`. */
export class SendPresenceDto {
  @ApiProperty({ example: '5511999999999' })
  @IsString()
  @IsNotEmpty()
  @IsRecipient()
  number: string;

  @ApiPropertyOptional({ enum: CHAT_PRESENCES }) @IsOptional() @IsIn(CHAT_PRESENCES) presence?: (typeof CHAT_PRESENCES)[number];

  @ApiPropertyOptional({ description: 'ms the indicator is shown (the request waits as long)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PRESENCE_DELAY_MS)
  delay?: number;

  @ApiPropertyOptional({ type: PresenceOptionsDto, description: 'v1 shape' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PresenceOptionsDto)
  options?: PresenceOptionsDto;
}
