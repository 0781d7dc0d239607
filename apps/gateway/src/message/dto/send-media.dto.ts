import { ApiProperty, ApiPropertyOptional, IntersectionType, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { MessageOptionsDto } from './message-options.dto';
import { V1EnvelopeDto } from './v1-envelope.dto';

export const MEDIA_TYPES = ['image', 'video', 'document', 'audio', 'ptv'] as const;
export type MediaTypeName = (typeof MEDIA_TYPES)[number];

export class MediaFieldsDto {
  @ApiProperty({ enum: MEDIA_TYPES, description: 'ptv = round video note' })
  @IsIn(MEDIA_TYPES)
  mediatype: MediaTypeName;

  @ApiProperty({ description: 'http(s) URL, data URI, or base64', example: 'https://example.com/picture.jpg' })
  @IsString()
  @IsNotEmpty()
  media: string;

  @ApiPropertyOptional({ example: 'image/jpeg', description: 'Detected from the content when absent' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  mimetype?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4096) caption?: string;

  @ApiPropertyOptional({ example: 'invoice.pdf', description: 'Shown for documents' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  fileName?: string;

  @ApiPropertyOptional({ description: 'audio: send as a voice note (converted to OGG/Opus like sendWhatsAppAudio)' })
  @IsOptional()
  @IsBoolean()
  ptt?: boolean;
}

export class SendMediaDto extends IntersectionType(MessageOptionsDto, MediaFieldsDto) {}

/** multipart/form-data with a `file` part: the file is the media. */
export class SendMediaUploadDto extends OmitType(SendMediaDto, ['media'] as const) {}

/** v1: `{number, options?, mediaMessage: {mediatype, media, fileName?, caption?, mimetype?}}` */
export class SendMediaV1Dto extends V1EnvelopeDto {
  @ApiProperty({ type: MediaFieldsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => MediaFieldsDto)
  mediaMessage: MediaFieldsDto;
}
