import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsOptional, ValidateNested } from 'class-validator';
import { IsEventList } from '../../webhook/dto/event-list.validator';

export class WebsocketConfigDto {
  @ApiProperty({ description: 'false stops streaming this instance’s events to apps (the manager’s monitor still sees them)' })
  @IsBoolean({ message: 'websocket.enabled must be a boolean' })
  enabled: boolean;

  @ApiPropertyOptional({ type: [String], example: ['MESSAGES_UPSERT'], description: 'Empty or absent with enabled = every event (as Evolution)' })
  @IsOptional()
  @IsEventList()
  events?: string[];
}

/** POST /websocket/set: Evolution v2's `{websocket: {enabled, events[]}}`. */
export class SetWebsocketDto {
  @ApiProperty({ type: WebsocketConfigDto })
  @IsDefined({ message: 'websocket must be an object {enabled, events}' })
  @ValidateNested()
  @Type(() => WebsocketConfigDto)
  websocket: WebsocketConfigDto;
}
