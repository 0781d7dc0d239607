import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ListSectionDto } from './list-section.dto';
import { MessageOptionsDto } from './message-options.dto';
import { V1EnvelopeDto } from './v1-envelope.dto';

const sectionsMessage = { message: 'sections (or values) must be a non-empty array of sections' };

export class ListFieldsDto {
  @ApiProperty({ example: 'Menu' }) @IsString() @IsNotEmpty() @MaxLength(255) title: string;
  @ApiPropertyOptional({ example: 'Pick one' }) @IsOptional() @IsString() @MaxLength(4096) description?: string;
  @ApiProperty({ example: 'Open menu' }) @IsString() @IsNotEmpty() @MaxLength(20) buttonText: string;
  @ApiPropertyOptional({ example: '' }) @IsOptional() @IsString() @MaxLength(255) footerText?: string;

  @ApiPropertyOptional({ type: [ListSectionDto], description: 'Required unless the alias `values` is used' })
  @ValidateIf((o: ListFieldsDto) => o.values === undefined)
  @IsArray(sectionsMessage)
  @ArrayMinSize(1, sectionsMessage)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ListSectionDto)
  sections?: ListSectionDto[];

  @ApiPropertyOptional({ type: [ListSectionDto], description: 'Alias of sections (Evolution docs spelling)' })
  @ValidateIf((o: ListFieldsDto) => o.values !== undefined)
  @IsArray(sectionsMessage)
  @ArrayMinSize(1, sectionsMessage)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ListSectionDto)
  values?: ListSectionDto[];
}

export class SendListDto extends IntersectionType(MessageOptionsDto, ListFieldsDto) {}

/** v1: `{number, options?, listMessage: {title, description, footerText?, buttonText, sections}}` */
export class SendListV1Dto extends V1EnvelopeDto {
  @ApiProperty({ type: ListFieldsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ListFieldsDto)
  listMessage: ListFieldsDto;
}
