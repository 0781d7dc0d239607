import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNumber, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { MessageOptionsDto } from './message-options.dto';
import { V1EnvelopeDto } from './v1-envelope.dto';

export class LocationFieldsDto {
  @ApiProperty({ example: -23.5505 }) @IsNumber() @Min(-90) @Max(90) latitude: number;
  @ApiProperty({ example: -46.6333 }) @IsNumber() @Min(-180) @Max(180) longitude: number;
  @ApiPropertyOptional({ example: 'Office' }) @IsOptional() @IsString() @MaxLength(1024) name?: string;
  @ApiPropertyOptional({ example: 'Av. Paulista, 1000' }) @IsOptional() @IsString() @MaxLength(1024) address?: string;
}

export class SendLocationDto extends IntersectionType(MessageOptionsDto, LocationFieldsDto) {}

/** v1: `{number, options?, locationMessage: {latitude, longitude, name?, address?}}` */
export class SendLocationV1Dto extends V1EnvelopeDto {
  @ApiProperty({ type: LocationFieldsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => LocationFieldsDto)
  locationMessage: LocationFieldsDto;
}
