import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { MessageOptionsDto } from './message-options.dto';
import { V1EnvelopeDto } from './v1-envelope.dto';

const TEXT_MAX = 65_536;

export class SendTextDto extends MessageOptionsDto {
  @ApiProperty({ example: 'Hello from the gateway' })
  @IsString()
  @Matches(/\S/, { message: 'text is required (Text is required)' })
  @MaxLength(TEXT_MAX)
  text: string;
}

export class V1TextMessageDto {
  @ApiProperty()
  @IsString()
  @Matches(/\S/, { message: 'textMessage.text is required (Text is required)' })
  @MaxLength(TEXT_MAX)
  text: string;
}

/** v1: `{number, options?, textMessage: {text}}` */
export class SendTextV1Dto extends V1EnvelopeDto {
  @ApiProperty({ type: V1TextMessageDto })
  @IsObject()
  @ValidateNested()
  @Type(() => V1TextMessageDto)
  textMessage: V1TextMessageDto;
}
