import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { FindPageDto } from './find-page.dto';

export class ContactWhereDto {
  @ApiPropertyOptional({ description: 'Contact JID or number' }) @IsOptional() @IsString() remoteJid?: string;

  @ApiPropertyOptional({ description: 'Contact id (UUID) or JID (n8n sends the JID here)' }) @IsOptional() @IsString() id?: string;

  @ApiPropertyOptional({ description: 'v1 spelling of id' }) @IsOptional() @IsString() _id?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() pushName?: string;
}

/** POST /chat/findContacts */
export class FindContactsDto extends FindPageDto {
  @ApiPropertyOptional({ type: ContactWhereDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ContactWhereDto)
  where?: ContactWhereDto;
}
