import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PARTICIPANT_MESSAGE, PARTICIPANT_PATTERN } from './participant-number.validator';

/** WhatsApp's limits: subject 100 characters, description 2048, 1024 members. */
export const SUBJECT_MAX = 100;
export const DESCRIPTION_MAX = 2048;
export const GROUP_SIZE_MAX = 1024;

/** `POST /group/create` (v1 and v2 share the body). */
export class CreateGroupDto {
  @ApiProperty({ example: 'Weekend plans' })
  @IsString()
  @Matches(/\S/, { message: 'subject is required' })
  @MaxLength(SUBJECT_MAX)
  subject: string;

  @ApiPropertyOptional({ example: 'Who brings what' })
  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX)
  description?: string;

  @ApiProperty({ example: ['5511912345678'], description: 'Phone numbers with country code; numbers not on WhatsApp are left out' })
  @IsArray()
  @ArrayMaxSize(GROUP_SIZE_MAX)
  @IsString({ each: true })
  @Matches(PARTICIPANT_PATTERN, { each: true, message: PARTICIPANT_MESSAGE })
  participants: string[];

  @ApiPropertyOptional({ description: 'Group picture: URL, data URI or base64' })
  @IsOptional()
  @IsString()
  profilePicture?: string;

  @ApiPropertyOptional({ description: 'Make every participant an admin' })
  @IsOptional()
  @IsBoolean()
  promoteParticipants?: boolean;
}
