import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

export class ProfileNameDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(25) name: string;
}

export class ProfileStatusDto {
  @ApiProperty() @IsString() @MaxLength(139) status: string;
}

export class ProfilePictureDto {
  @ApiProperty({ description: 'image URL, data URI or base64' }) @IsString() @IsNotEmpty() picture: string;
}

const ALL_CONTACTS_NONE = ['all', 'contacts', 'contact_blacklist', 'none'];

/** Flat v2 body; v1 nests the same fields under `privacySettings`. */
export class PrivacySettingsFieldsDto {
  @ApiPropertyOptional({ enum: ['all', 'none'] }) @IsOptional() @IsIn(['all', 'none']) readreceipts?: string;
  @ApiPropertyOptional({ enum: ALL_CONTACTS_NONE }) @IsOptional() @IsIn(ALL_CONTACTS_NONE) profile?: string;
  @ApiPropertyOptional({ enum: ALL_CONTACTS_NONE }) @IsOptional() @IsIn(ALL_CONTACTS_NONE) status?: string;
  @ApiPropertyOptional({ enum: ['all', 'match_last_seen'] }) @IsOptional() @IsIn(['all', 'match_last_seen']) online?: string;
  @ApiPropertyOptional({ enum: ALL_CONTACTS_NONE }) @IsOptional() @IsIn(ALL_CONTACTS_NONE) last?: string;
  @ApiPropertyOptional({ enum: ['all', 'contacts', 'contact_blacklist'] })
  @IsOptional()
  @IsIn(['all', 'contacts', 'contact_blacklist'])
  groupadd?: string;
}

export class PrivacySettingsDto extends PrivacySettingsFieldsDto {
  @ApiPropertyOptional({ type: PrivacySettingsFieldsDto, description: 'v1 shape' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PrivacySettingsFieldsDto)
  privacySettings?: PrivacySettingsFieldsDto;
}
