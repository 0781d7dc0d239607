import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsRecipient } from './is-recipient.validator';

export const STATUS_TYPES = ['text', 'image', 'video', 'audio'] as const;

/** A status (story). No `number`: it goes to `statusJidList`. */
export class SendStatusDto {
  @ApiProperty({ enum: STATUS_TYPES }) @IsIn(STATUS_TYPES) type: (typeof STATUS_TYPES)[number];

  @ApiProperty({ description: 'The text, or the media as http(s) URL, data URI or base64', example: 'Open today until 8 pm' })
  @IsString()
  @IsNotEmpty()
  content: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4096) caption?: string;

  @ApiPropertyOptional({ example: '#008000', description: 'Text statuses: #RRGGBB (or #AARRGGBB)' })
  @IsOptional()
  @Matches(/^#?([0-9a-f]{6}|[0-9a-f]{8})$/i, { message: 'backgroundColor must be a hex color like #008000' })
  backgroundColor?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 5, description: 'Text statuses: WhatsApp font 0-5' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(5)
  font?: number;

  @ApiPropertyOptional({ description: 'Post to every contact (needs a contact list; see README)' })
  @IsOptional()
  @IsBoolean()
  allContacts?: boolean;

  @ApiPropertyOptional({ type: [String], example: ['5511999999999'], description: 'Who sees it (numbers or JIDs)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  @IsRecipient({ each: true, message: 'statusJidList must be an array of phone numbers or JIDs' })
  statusJidList?: string[];
}

/** multipart/form-data with a `file` part: the file is the status media. */
export class SendStatusUploadDto extends OmitType(SendStatusDto, ['content'] as const) {}

/** v1: `{statusMessage: {type, content, caption?, backgroundColor?, font?, statusJidList?, allContacts?}}` */
export class SendStatusV1Dto {
  @ApiProperty({ type: SendStatusDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SendStatusDto)
  statusMessage: SendStatusDto;
}
