import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** One vCard of sendContact. */
export class ContactCardDto {
  @ApiProperty({ example: 'Ana Souza' }) @IsString() @IsNotEmpty() @MaxLength(255) fullName: string;

  @ApiProperty({ example: '+55 11 99999-9999', description: 'Shown on the card' })
  @IsString()
  @Matches(/(\d\D*){6,}/, { message: 'phoneNumber must contain a phone number' })
  @MaxLength(64)
  phoneNumber: string;

  @ApiPropertyOptional({ example: '5511999999999', description: 'WhatsApp id (digits); derived from phoneNumber when absent' })
  @IsOptional()
  @IsString()
  @Matches(/^\+?\d{6,}(@s\.whatsapp\.net)?$/, { message: 'wuid must be a numeric string' })
  wuid?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) organization?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) email?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1024) url?: string;
}
