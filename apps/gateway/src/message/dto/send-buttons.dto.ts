import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  Validate,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ButtonDto } from './button.dto';
import { ButtonMix } from './buttons-mix.validator';
import { MessageOptionsDto } from './message-options.dto';
import { V1EnvelopeDto } from './v1-envelope.dto';

const onlyPix = (o: { buttons?: { type?: string }[] }) => o.buttons?.length === 1 && o.buttons[0]?.type === 'pix';

export class SendButtonsDto extends MessageOptionsDto {
  @ApiPropertyOptional({ description: 'Header image: http(s) URL, data URI, or base64' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  thumbnailUrl?: string;

  @ApiProperty({ example: 'Confirm your order', description: 'Not needed for a single PIX button' })
  @ValidateIf((o: SendButtonsDto) => !onlyPix(o))
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  title: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4096) description?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) footer?: string;

  @ApiProperty({ type: [ButtonDto] })
  @IsArray()
  @ArrayMinSize(1, { message: 'buttons: At least one button is required' })
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ButtonDto)
  @Validate(ButtonMix)
  buttons: ButtonDto[];
}

export class V1ButtonDto {
  @ApiProperty({ example: 'Yes' }) @IsString() @IsNotEmpty() @MaxLength(64) buttonText: string;
  @ApiProperty({ example: 'yes' }) @IsString() @IsNotEmpty() @MaxLength(255) buttonId: string;
}

/** v1 header media: only an image can head the interactive message. */
export class V1ButtonMediaDto {
  @ApiProperty({ enum: ['image'] }) @IsIn(['image'], { message: 'buttonMessage.mediaMessage.mediatype must be image' }) mediatype: 'image';
  @ApiProperty() @IsString() @IsNotEmpty() media: string;
  @ApiPropertyOptional() @IsOptional() @IsString() fileName?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() caption?: string;
}

export class V1ButtonsMessageDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(1024) title: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4096) description?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) footerText?: string;

  @ApiProperty({ type: [V1ButtonDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3, { message: 'buttonMessage.buttons: Maximum of 3 reply buttons allowed' })
  @ValidateNested({ each: true })
  @Type(() => V1ButtonDto)
  buttons: V1ButtonDto[];

  @ApiPropertyOptional({ type: V1ButtonMediaDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => V1ButtonMediaDto)
  mediaMessage?: V1ButtonMediaDto;
}

/** v1: `{number, options?, buttonMessage: {title, description, footerText?, buttons: [{buttonText, buttonId}], mediaMessage?}}` */
export class SendButtonsV1Dto extends V1EnvelopeDto {
  @ApiProperty({ type: V1ButtonsMessageDto })
  @IsObject()
  @ValidateNested()
  @Type(() => V1ButtonsMessageDto)
  buttonMessage: V1ButtonsMessageDto;
}
