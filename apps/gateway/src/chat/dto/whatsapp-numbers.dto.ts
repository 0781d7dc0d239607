import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsString } from 'class-validator';

export class WhatsappNumbersDto {
  @ApiProperty({ example: ['5511999999999'], description: 'Numbers (digits, or JIDs) to check' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  numbers: string[];
}
