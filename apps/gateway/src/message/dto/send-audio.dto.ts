import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { MessageOptionsDto } from './message-options.dto';
import { V1EnvelopeDto } from './v1-envelope.dto';

/** Voice note (push-to-talk). */
export class SendAudioDto extends MessageOptionsDto {
  @ApiProperty({ description: 'http(s) URL, data URI, or base64; OGG/Opus plays everywhere', example: 'https://example.com/note.ogg' })
  @IsString()
  @IsNotEmpty()
  audio: string;

  @ApiPropertyOptional({ description: 'Detected from the content when absent' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  mimetype?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) fileName?: string;
  @ApiPropertyOptional({ description: 'Evolution re-encodes with ffmpeg when true; accepted, not done here' })
  @IsOptional()
  @IsBoolean()
  encoding?: boolean;
}

export class V1AudioMessageDto {
  @ApiProperty() @IsString() @IsNotEmpty() audio: string;
}

/** v1: `{number, options?, audioMessage: {audio}}` */
export class SendAudioV1Dto extends V1EnvelopeDto {
  @ApiProperty({ type: V1AudioMessageDto })
  @IsObject()
  @ValidateNested()
  @Type(() => V1AudioMessageDto)
  audioMessage: V1AudioMessageDto;
}
