import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsOptional, ValidateNested } from 'class-validator';
import { IsEventList } from '../../webhook/dto/event-list.validator';

export class RabbitmqConfigDto {
  @ApiProperty({ description: 'false stops publishing this instance’s events (its queues stay on the broker)' })
  @IsBoolean({ message: 'rabbitmq.enabled must be a boolean' })
  enabled: boolean;

  @ApiPropertyOptional({ type: [String], example: ['MESSAGES_UPSERT'], description: 'Empty or absent with enabled = every event (as Evolution)' })
  @IsOptional()
  @IsEventList()
  events?: string[];
}

/** POST /instance/create's `rabbitmq`: `enabled` may be left out (Evolution's create turns it on). */
export class CreateRabbitmqDto {
  @ApiPropertyOptional({ description: 'Default true, as Evolution’s create' })
  @IsOptional()
  @IsBoolean({ message: 'rabbitmq.enabled must be a boolean' })
  enabled?: boolean;

  @ApiPropertyOptional({ type: [String], example: ['MESSAGES_UPSERT'], description: 'Empty or absent with enabled = every event (as Evolution)' })
  @IsOptional()
  @IsEventList()
  events?: string[];
}

/** POST /rabbitmq/set: Evolution v2's `{rabbitmq: {enabled, events[]}}`. */
export class SetRabbitmqDto {
  @ApiProperty({ type: RabbitmqConfigDto })
  @IsDefined({ message: 'rabbitmq must be an object {enabled, events}' })
  @ValidateNested()
  @Type(() => RabbitmqConfigDto)
  rabbitmq: RabbitmqConfigDto;
}
