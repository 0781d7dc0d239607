import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PARTICIPANT_MESSAGE, PARTICIPANT_PATTERN } from './participant-number.validator';

/** `POST /group/sendInvite`: the invite link goes to each number as a text (groupJid is read by the GroupJid rule). */
export class SendInviteDto {
  @ApiProperty({ example: '120363000000000000@g.us' })
  @IsString()
  groupJid: string;

  @ApiPropertyOptional({ example: 'Join us!', description: 'Text before the link' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  description?: string;

  @ApiProperty({ example: ['5511912345678'] })
  @IsArray()
  @ArrayMinSize(1, { message: 'numbers must list at least one number' })
  @ArrayMaxSize(256)
  @IsString({ each: true })
  @Matches(PARTICIPANT_PATTERN, { each: true, message: PARTICIPANT_MESSAGE.replace('$property', 'numbers') })
  numbers: string[];
}
