import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { IsRecipient } from './is-recipient.validator';

/** A message's key, as webhooks and send responses give it. */
export class MessageKeyDto {
  @ApiProperty({ example: '5511999999999@s.whatsapp.net' })
  @IsString()
  @IsRecipient()
  remoteJid: string;

  @ApiProperty() @IsBoolean() fromMe: boolean;

  @ApiProperty({ example: '3EB0C767D097B5DA5C5E' }) @IsString() @IsNotEmpty() id: string;

  @ApiPropertyOptional({ description: 'Author of a group message (not ours)' }) @IsOptional() @IsString() participant?: string;
}
