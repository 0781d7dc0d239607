import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsObject, IsOptional, IsString, IsUrl, Matches, MaxLength, ValidateNested } from 'class-validator';
import { MessageOptionsDto } from './message-options.dto';
import { V1EnvelopeDto } from './v1-envelope.dto';

export class TemplateFieldsDto {
  @ApiProperty({ example: 'order_confirmation', description: 'Name of an approved template' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  name: string;

  @ApiProperty({ example: 'pt_BR', description: 'Language (locale) code the template was approved in' })
  @IsString()
  @Matches(/^[a-z]{2,3}(_[A-Za-z0-9]{2,8})?$/, { message: 'language must be a template locale code such as en_US or pt_BR' })
  language: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description: "Meta's template components (header/body/button parameters), passed through unchanged",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  components?: Record<string, unknown>[];

  @ApiPropertyOptional({ description: 'Accepted for Evolution compatibility; statuses arrive through the instance webhook' })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  webhookUrl?: string;
}

/** v2: flat `{number, name, language, components?}` (Cloud API instances only). */
export class SendTemplateDto extends IntersectionType(MessageOptionsDto, TemplateFieldsDto) {}

/** v1: `{number, options?, templateMessage: {name, language, components?}}` */
export class SendTemplateV1Dto extends V1EnvelopeDto {
  @ApiProperty({ type: TemplateFieldsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => TemplateFieldsDto)
  templateMessage: TemplateFieldsDto;
}
