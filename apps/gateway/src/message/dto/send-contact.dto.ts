import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { ContactCardDto } from './contact-card.dto';
import { MessageOptionsDto } from './message-options.dto';
import { V1EnvelopeDto } from './v1-envelope.dto';

const MAX_CARDS = 100;

export class SendContactDto extends MessageOptionsDto {
  @ApiProperty({ type: [ContactCardDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CARDS)
  @ValidateNested({ each: true })
  @Type(() => ContactCardDto)
  contact: ContactCardDto[];
}

/** v1: `{number, options?, contactMessage: [{fullName, wuid, phoneNumber, …}]}` */
export class SendContactV1Dto extends V1EnvelopeDto {
  @ApiProperty({ type: [ContactCardDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CARDS)
  @ValidateNested({ each: true })
  @Type(() => ContactCardDto)
  contactMessage: ContactCardDto[];
}
