import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';

export const ACCOUNT_PRESENCES = ['available', 'unavailable', 'composing', 'recording', 'paused'] as const;

export class SetPresenceDto {
  @ApiProperty({ enum: ACCOUNT_PRESENCES })
  @IsIn(ACCOUNT_PRESENCES)
  presence: (typeof ACCOUNT_PRESENCES)[number];
}
