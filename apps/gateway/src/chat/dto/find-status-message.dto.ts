import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { FindPageDto, toBoolean } from './find-page.dto';

/** n8n also sends `instanceId` (the instance name): it is accepted and ignored, the route names the instance. */
export class StatusWhereDto {
  @ApiPropertyOptional({ description: 'Chat JID or number' }) @IsOptional() @IsString() remoteJid?: string;

  @ApiPropertyOptional({ description: 'WhatsApp message id' }) @IsOptional() @IsString() id?: string;

  @ApiPropertyOptional({ description: 'WhatsApp message id (what n8n sends)' }) @IsOptional() @IsString() keyId?: string;

  @ApiPropertyOptional() @IsOptional() @Transform(toBoolean) @IsBoolean() fromMe?: boolean;

  @ApiPropertyOptional({ example: 'READ' }) @IsOptional() @IsString() status?: string;
}

/** POST /chat/findStatusMessage */
export class FindStatusMessageDto extends FindPageDto {
  @ApiPropertyOptional({ type: StatusWhereDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => StatusWhereDto)
  where?: StatusWhereDto;
}
