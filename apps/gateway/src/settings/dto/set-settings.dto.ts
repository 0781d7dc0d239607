import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

const Flag = (description: string) => [ApiPropertyOptional({ description }), IsOptional(), IsBoolean()];
const apply = (...decorators: PropertyDecorator[]) => (target: object, key: string) => decorators.forEach((d) => d(target, key));

/**
 * v2 body (camelCase) or v1 body (snake_case); either may be partial: missing fields keep
 * their current value (Evolution requires them all; accepting fewer breaks no client).
 */
export class SetSettingsDto {
  @apply(...Flag('Reject incoming calls')) rejectCall?: boolean;
  @ApiPropertyOptional({ description: 'Text sent to a rejected caller' }) @IsOptional() @IsString() @MaxLength(4096) msgCall?: string;
  @apply(...Flag('No message events (or read receipts) for groups')) groupsIgnore?: boolean;
  @apply(...Flag('Show the account online on every connect')) alwaysOnline?: boolean;
  @apply(...Flag('Send read receipts for incoming messages')) readMessages?: boolean;
  @apply(...Flag('Send read receipts for statuses')) readStatus?: boolean;
  @apply(...Flag('Ask the phone for the full history (sent when a device is linked: set it before scanning the QR)')) syncFullHistory?: boolean;
  @ApiPropertyOptional({ description: 'stored only (calls over wavoip are not supported)' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  wavoipToken?: string;

  @apply(...Flag('v1 name of rejectCall')) reject_call?: boolean;
  @ApiPropertyOptional({ description: 'v1 name of msgCall' }) @IsOptional() @IsString() @MaxLength(4096) msg_call?: string;
  @apply(...Flag('v1 name of groupsIgnore')) groups_ignore?: boolean;
  @apply(...Flag('v1 name of alwaysOnline')) always_online?: boolean;
  @apply(...Flag('v1 name of readMessages')) read_messages?: boolean;
  @apply(...Flag('v1 name of readStatus')) read_status?: boolean;
  @apply(...Flag('v1 name of syncFullHistory')) sync_full_history?: boolean;
}
