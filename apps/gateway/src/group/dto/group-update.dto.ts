import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, Matches, MaxLength } from 'class-validator';
import type { GroupParticipantsAction, GroupSetting } from '@gw/whatsapp';
import { DESCRIPTION_MAX, GROUP_SIZE_MAX, SUBJECT_MAX } from './create-group.dto';
import { PARTICIPANT_MESSAGE, PARTICIPANT_PATTERN } from './participant-number.validator';

/** Bodies of the group mutations; the group itself comes from `groupJid` (body or query). */

export class GroupSubjectDto {
  @ApiProperty({ example: 'New name' })
  @IsString()
  @Matches(/\S/, { message: 'subject is required' })
  @MaxLength(SUBJECT_MAX)
  subject: string;
}

export class GroupDescriptionDto {
  @ApiProperty({ example: 'Rules: be nice', description: 'An empty string removes the description' })
  @IsString()
  @MaxLength(DESCRIPTION_MAX)
  description: string;
}

export class GroupPictureDto {
  @ApiProperty({ description: 'Image URL, data URI or base64' })
  @IsString()
  @Matches(/\S/, { message: 'image is required (a URL or base64)' })
  image: string;
}

const PARTICIPANT_ACTIONS: GroupParticipantsAction[] = ['add', 'remove', 'promote', 'demote'];

export class UpdateParticipantDto {
  @ApiProperty({ enum: PARTICIPANT_ACTIONS })
  @IsIn(PARTICIPANT_ACTIONS, { message: `action must be one of: ${PARTICIPANT_ACTIONS.join(', ')}` })
  action: GroupParticipantsAction;

  @ApiProperty({ example: ['5511912345678'] })
  @IsArray()
  @ArrayMinSize(1, { message: 'participants must list at least one number' })
  @ArrayMaxSize(GROUP_SIZE_MAX)
  @IsString({ each: true })
  @Matches(PARTICIPANT_PATTERN, { each: true, message: PARTICIPANT_MESSAGE })
  participants: string[];
}

const SETTINGS: GroupSetting[] = ['announcement', 'not_announcement', 'locked', 'unlocked'];

export class UpdateSettingDto {
  @ApiProperty({ enum: SETTINGS, description: 'announcement: only admins send; locked: only admins edit the group info' })
  @IsIn(SETTINGS, { message: `action must be one of: ${SETTINGS.join(', ')}` })
  action: GroupSetting;
}

/** WhatsApp offers these timers only: off, 24 hours, 7 days, 90 days. */
export const EPHEMERAL_TIMERS = [0, 86400, 604800, 7776000];

export class ToggleEphemeralDto {
  @ApiProperty({ enum: EPHEMERAL_TIMERS, description: 'Seconds; 0 turns disappearing messages off' })
  // "86400" is accepted too: numeric strings become numbers for every numeric rule (coerceNumericStrings)
  @IsIn(EPHEMERAL_TIMERS, { message: `expiration must be one of: ${EPHEMERAL_TIMERS.join(', ')}` })
  expiration: number;
}
