import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { IsRecipient } from './is-recipient.validator';
import { MAX_DELAY_MS } from './message-options.dto';
import { QuotedDto } from './quoted.dto';

export const V1_PRESENCES = ['composing', 'recording', 'paused', 'available', 'unavailable'] as const;

export class V1MentionsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() everyOne?: boolean;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @Matches(/^\d+/, { each: true, message: 'options.mentions.mentioned must be an array of numeric strings' })
  mentioned?: string[];
}

/** v1 `options` (Evolution 1.x): what v2 moved to the top level. */
export class V1OptionsDto {
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(MAX_DELAY_MS) delay?: number;
  @ApiPropertyOptional({ enum: V1_PRESENCES }) @IsOptional() @IsIn(V1_PRESENCES) presence?: (typeof V1_PRESENCES)[number];
  @ApiPropertyOptional({ type: QuotedDto }) @IsOptional() @ValidateNested() @Type(() => QuotedDto) quoted?: QuotedDto;
  @ApiPropertyOptional({ type: V1MentionsDto }) @IsOptional() @ValidateNested() @Type(() => V1MentionsDto) mentions?: V1MentionsDto;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() linkPreview?: boolean;
  @ApiPropertyOptional({ description: 'audio: false sends the bytes as given (no voice-note conversion)' }) @IsOptional() @IsBoolean() encoding?: boolean;
}

/** v1 bodies: `number`, optional `options`, and one `<type>Message` payload. */
export class V1EnvelopeDto {
  @ApiProperty({ example: '5511999999999' })
  @IsString()
  @IsRecipient()
  number: string;

  @ApiPropertyOptional({ type: V1OptionsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => V1OptionsDto)
  options?: V1OptionsDto;
}
