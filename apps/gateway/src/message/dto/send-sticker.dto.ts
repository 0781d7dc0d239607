import { ApiProperty, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsString, ValidateNested } from 'class-validator';
import { MessageOptionsDto } from './message-options.dto';
import { V1EnvelopeDto } from './v1-envelope.dto';

export class SendStickerDto extends MessageOptionsDto {
  @ApiProperty({ description: 'PNG, JPEG, WebP or GIF (made a 512x512 WebP sticker): http(s) URL, data URI, or base64', example: 'https://example.com/sticker.png' })
  @IsString()
  @IsNotEmpty()
  sticker: string;
}

/** multipart/form-data with a `file` part: the file is the sticker. */
export class SendStickerUploadDto extends OmitType(SendStickerDto, ['sticker'] as const) {}

export class V1StickerMessageDto {
  @ApiProperty({ description: 'PNG, JPEG, WebP or GIF: URL or base64' }) @IsString() @IsNotEmpty() image: string;
}

/** v1: `{number, options?, stickerMessage: {image}}` */
export class SendStickerV1Dto extends V1EnvelopeDto {
  @ApiProperty({ type: V1StickerMessageDto })
  @IsObject()
  @ValidateNested()
  @Type(() => V1StickerMessageDto)
  stickerMessage: V1StickerMessageDto;
}
