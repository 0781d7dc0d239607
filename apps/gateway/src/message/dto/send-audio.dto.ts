import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { MessageOptionsDto } from './message-options.dto';
import { V1EnvelopeDto } from './v1-envelope.dto';

/** Voice note (push-to-talk). */
export class SendAudioDto extends MessageOptionsDto {
  @ApiProperty({ description: 'http(s) URL, data URI, or base64: MP3, M4A/AAC, WAV, OGG, WebM, AMR… (converted to OGG/Opus)', example: 'https://example.com/note.mp3' })
  @IsString()
  @IsNotEmpty()
  audio: string;

  @ApiPropertyOptional({ description: 'Detected from the content when absent' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  mimetype?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) fileName?: string;
  @ApiPropertyOptional({ description: 'false: send the bytes as given, without converting to an OGG/Opus voice note (default true)' })
  @IsOptional()
  @IsBoolean()
  encoding?: boolean;
}

/** multipart/form-data with a `file` part: the file is the audio. */
export class SendAudioUploadDto extends OmitType(SendAudioDto, ['audio'] as const) {}

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
