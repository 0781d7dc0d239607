import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, IsUrl, MaxLength, ValidateIf } from 'class-validator';

export const BUTTON_TYPES = ['reply', 'copy', 'url', 'call', 'pix'] as const;
export const PIX_KEY_TYPES = ['phone', 'email', 'cpf', 'cnpj', 'random'] as const;
export type ButtonType = (typeof BUTTON_TYPES)[number];

const is = (...types: ButtonType[]) => (b: ButtonDto) => types.includes(b.type);

/** One v2 (Evolution ≥ 2.2) button; which fields are required depends on `type`. */
export class ButtonDto {
  @ApiProperty({ enum: BUTTON_TYPES }) @IsIn(BUTTON_TYPES) type: ButtonType;

  @ApiPropertyOptional({ example: 'Yes', description: 'reply, copy, url, call' })
  @ValidateIf(is('reply', 'copy', 'url', 'call'))
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  displayText?: string;

  @ApiPropertyOptional({ example: 'yes', description: 'reply' })
  @ValidateIf(is('reply'))
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  id?: string;

  @ApiPropertyOptional({ description: 'copy' }) @ValidateIf(is('copy')) @IsString() @IsNotEmpty() copyCode?: string;

  @ApiPropertyOptional({ description: 'url' })
  @ValidateIf(is('url'))
  @IsUrl({ require_tld: false, require_protocol: true }, { message: 'url must be a URL with http(s)://' })
  url?: string;

  @ApiPropertyOptional({ description: 'call' }) @ValidateIf(is('call')) @IsString() @IsNotEmpty() phoneNumber?: string;

  @ApiPropertyOptional({ example: 'BRL', description: 'pix' }) @ValidateIf(is('pix')) @IsString() @IsNotEmpty() currency?: string;
  @ApiPropertyOptional({ description: 'pix: merchant name' }) @ValidateIf(is('pix')) @IsString() @IsNotEmpty() name?: string;
  @ApiPropertyOptional({ enum: PIX_KEY_TYPES, description: 'pix' })
  @ValidateIf(is('pix'))
  @IsIn(PIX_KEY_TYPES)
  keyType?: (typeof PIX_KEY_TYPES)[number];
  @ApiPropertyOptional({ description: 'pix key' }) @ValidateIf(is('pix')) @IsString() @IsNotEmpty() key?: string;
}
