import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';

export class QuotedKeyDto {
  @ApiProperty({ description: 'Id of the message to reply to', example: '3EB0C767D097B5DA5C5E' })
  @IsString()
  @IsNotEmpty()
  id: string;

  @ApiPropertyOptional({ example: '5511999999999@s.whatsapp.net' }) @IsOptional() @IsString() remoteJid?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() fromMe?: boolean;
  @ApiPropertyOptional({ description: 'Author, for a message in a group' }) @IsOptional() @IsString() participant?: string;
}

/** Reply target: the stored message with this id is quoted; `message` (proto JSON) is used when given. */
export class QuotedDto {
  @ApiProperty({ type: QuotedKeyDto })
  @IsObject()
  @ValidateNested()
  @Type(() => QuotedKeyDto)
  key: QuotedKeyDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { conversation: 'the original text' } })
  @IsOptional()
  @IsObject()
  message?: Record<string, unknown>;
}
