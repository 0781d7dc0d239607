import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';

export class ConnectQueryDto {
  @ApiPropertyOptional({ description: 'Phone number to link with a pairing code', example: '5511999999999' })
  @IsOptional()
  @IsString()
  @Matches(/^\+?\d{6,20}$/, { message: 'number must be a phone number in international format, digits only' })
  number?: string;
}
