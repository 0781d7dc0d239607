import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

export class ListRowDto {
  @ApiProperty({ example: 'Pizza' }) @IsString() @IsNotEmpty() @MaxLength(255) title: string;
  @ApiPropertyOptional({ example: 'Margherita or pepperoni' }) @IsOptional() @IsString() @MaxLength(1024) description?: string;
  @ApiProperty({ example: 'pizza' }) @IsString() @IsNotEmpty() @MaxLength(255) rowId: string;
}

export class ListSectionDto {
  @ApiProperty({ example: 'Mains' }) @IsString() @IsNotEmpty() @MaxLength(255) title: string;

  @ApiProperty({ type: [ListRowDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ListRowDto)
  rows: ListRowDto[];
}
