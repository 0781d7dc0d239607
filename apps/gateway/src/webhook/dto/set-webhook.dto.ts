import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, plainToInstance } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, IsUrl, ValidateIf, ValidateNested } from 'class-validator';
import { IsEventList } from './event-list.validator';
import { IsWebhookHeaders } from './webhook-headers.validator';
import { WEBHOOK_URL_OPTIONS, WebhookConfigDto, WebhookExtrasDto } from './webhook-config.dto';

const toConfig = ({ value }: { value: unknown }) =>
  value && typeof value === 'object' ? plainToInstance(WebhookConfigDto, value) : value;

/**
 * POST /webhook/set body. Four shapes are in use and all are accepted:
 * v2 nested `{webhook:{enabled,url,headers,byEvents,base64,events}}`, the n8n hybrid
 * `{webhook:{enabled,url,webhookByEvents,webhookBase64,events}}`, the v2 docs' flat camelCase
 * `{enabled,url,webhookByEvents,webhookBase64,events}` and v1 flat snake_case
 * `{enabled,url,webhook_by_events,webhook_base64,events}`.
 */
export class SetWebhookDto extends WebhookExtrasDto {
  @ApiPropertyOptional({ type: WebhookConfigDto, description: 'v2 / n8n nested form' })
  @IsOptional()
  @Transform(toConfig, { toClassOnly: true })
  @ValidateNested()
  webhook?: WebhookConfigDto;

  @ApiPropertyOptional({ description: 'Flat form (v1 and v2 docs)' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ description: 'Flat form: required unless enabled is false' })
  @ValidateIf((o: SetWebhookDto) => o.webhook === undefined && o.enabled !== false)
  @IsString({ message: 'url must be an http(s) URL' })
  @IsUrl(WEBHOOK_URL_OPTIONS, { message: 'url must be an http(s) URL' })
  url?: string;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() webhookByEvents?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() webhookBase64?: boolean;
  @ApiPropertyOptional({ description: 'v1 spelling of webhookByEvents' }) @IsOptional() @IsBoolean() webhook_by_events?: boolean;
  @ApiPropertyOptional({ description: 'v1 spelling of webhookBase64' }) @IsOptional() @IsBoolean() webhook_base64?: boolean;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsEventList()
  events?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsWebhookHeaders()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ description: 'Only for POST /webhook/instance (or use the instance token)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  instanceName?: string;
}
