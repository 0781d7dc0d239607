import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';

export class MediaKeyDto {
  @ApiProperty() @IsString() @IsNotEmpty() id: string;
  @ApiPropertyOptional() @IsOptional() @IsString() remoteJid?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() fromMe?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() participant?: string;
}

/** `{key:{id}}` (looked up in the stored messages), or a full message `{key, message}`. */
export class MediaMessageRefDto {
  @ApiProperty({ type: MediaKeyDto })
  @IsObject()
  @ValidateNested()
  @Type(() => MediaKeyDto)
  key: MediaKeyDto;

  @ApiPropertyOptional({ description: 'the proto message as webhooks deliver it (imageMessage, …)' })
  @IsOptional()
  @IsObject()
  message?: Record<string, unknown>;
}

export class GetBase64Dto {
  @ApiProperty({ type: MediaMessageRefDto })
  @IsObject()
  @ValidateNested()
  @Type(() => MediaMessageRefDto)
  message: MediaMessageRefDto;

  @ApiPropertyOptional({ description: 'accepted; audio is returned as stored (no transcoding)' })
  @IsOptional()
  @IsBoolean()
  convertToMp4?: boolean;
}
