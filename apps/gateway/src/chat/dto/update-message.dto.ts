import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsRecipient } from '../../message/dto/is-recipient.validator';
import { MessageKeyDto } from '../../message/dto/message-key.dto';

/** Edit: `{number, key:{remoteJid, fromMe:true, id}, text}`. */
export class UpdateMessageDto {
  @ApiProperty({ example: '5511999999999' })
  @IsString()
  @IsNotEmpty()
  @IsRecipient()
  number: string;

  @ApiProperty({ type: MessageKeyDto })
  @IsObject()
  @ValidateNested()
  @Type(() => MessageKeyDto)
  key: MessageKeyDto;

  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(65_536) text: string;
}
