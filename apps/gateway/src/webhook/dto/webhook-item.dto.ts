import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { WebhookConfigDto } from './webhook-config.dto';
import { WebhookFiltersDto } from './webhook-filters.dto';

/**
 * Body of POST /webhooks/:instanceName and PUT /webhooks/:instanceName/:webhookId: the fields of
 * Evolution's nested `webhook` object and the gateway extras, plus a label and filters. PUT
 * replaces the config (a masked secret header sent back keeps its stored value).
 */
export class WebhookItemDto extends WebhookConfigDto {
  @ApiPropertyOptional({ example: 'crm', description: 'A label for the manager and the logs' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ type: WebhookFiltersDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => WebhookFiltersDto)
  filters?: WebhookFiltersDto;
}
