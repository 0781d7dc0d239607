import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, ValidateNested } from 'class-validator';
import { MessageKeyDto } from '../../message/dto/message-key.dto';

/** v2 `{readMessages:[key]}`; v1 (PUT) `{read_messages:[key]}`. */
export class ReadMessagesDto {
  @ApiPropertyOptional({ type: [MessageKeyDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => MessageKeyDto)
  readMessages?: MessageKeyDto[];

  @ApiPropertyOptional({ type: [MessageKeyDto], description: 'v1 name of readMessages' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => MessageKeyDto)
  read_messages?: MessageKeyDto[];
}
