import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { IsRecipient } from './is-recipient.validator';
import { QuotedDto } from './quoted.dto';

/** Longest typing `delay` accepted: the request stays open that long. */
export const MAX_DELAY_MS = 5 * 60_000;

/** The flat fields every v2 send body shares (Evolution v2 `Metadata`). */
export class MessageOptionsDto {
  @ApiProperty({
    example: '5511999999999',
    description: 'Digits with country code (spaces, +, () and - are ignored), or a JID: …@s.whatsapp.net, …@g.us, …@lid',
  })
  @IsString()
  @IsRecipient()
  number: string;

  @ApiPropertyOptional({ description: 'Show "typing…" (or "recording…" for audio) for this long first, ms', example: 1200 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_DELAY_MS)
  delay?: number;

  @ApiPropertyOptional({ type: QuotedDto, description: 'Reply to this message' })
  @IsOptional()
  @ValidateNested()
  @Type(() => QuotedDto)
  quoted?: QuotedDto;

  @ApiPropertyOptional({ description: 'false: never attach a link preview' })
  @IsOptional()
  @IsBoolean()
  linkPreview?: boolean;

  @ApiPropertyOptional({ description: 'Groups: mention every participant' })
  @IsOptional()
  @IsBoolean()
  mentionsEveryOne?: boolean;

  @ApiPropertyOptional({ description: 'Alias of mentionsEveryOne (spelling of Evolution v2 schema)' })
  @IsOptional()
  @IsBoolean()
  everyOne?: boolean;

  @ApiPropertyOptional({ type: [String], example: ['5511988887777'], description: 'Numbers (or JIDs) to mention' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @Matches(/^\d+/, { each: true, message: 'mentioned must be an array of numeric strings' })
  mentioned?: string[];
}
