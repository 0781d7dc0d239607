import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional, IsString, IsUrl, ValidateIf } from 'class-validator';
import { IsEventList } from './event-list.validator';

export const WEBHOOK_URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/**
 * The nested `webhook` object of v2 bodies (create and /webhook/set). n8n sends
 * webhookByEvents/webhookBase64 inside it; Evolution's code reads byEvents/base64; both work.
 */
export class WebhookConfigDto {
  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ example: 'https://example.com/hooks/wa', description: 'Required unless enabled is false' })
  @ValidateIf((o: WebhookConfigDto) => o.enabled !== false || o.url !== undefined)
  @IsString({ message: 'webhook.url must be an http(s) URL' })
  @IsUrl(WEBHOOK_URL_OPTIONS, { message: 'webhook.url must be an http(s) URL' })
  url?: string;

  @ApiPropertyOptional({ description: 'POST each event to url/<event-suffix>, e.g. /qrcode-updated' })
  @IsOptional()
  @IsBoolean()
  byEvents?: boolean;

  @ApiPropertyOptional({ description: 'Include media as base64 in message events' })
  @IsOptional()
  @IsBoolean()
  base64?: boolean;

  @ApiPropertyOptional({ description: 'Alias of byEvents (n8n node)' })
  @IsOptional()
  @IsBoolean()
  webhookByEvents?: boolean;

  @ApiPropertyOptional({ description: 'Alias of base64 (n8n node)' })
  @IsOptional()
  @IsBoolean()
  webhookBase64?: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'Sent with every delivery' })
  @IsOptional()
  @IsObject()
  headers?: Record<string, string>;

  @ApiPropertyOptional({
    type: [String],
    example: ['QRCODE_UPDATED', 'CONNECTION_UPDATE', 'MESSAGES_UPSERT'],
    description: 'Empty or absent: all events',
  })
  @IsOptional()
  @IsEventList()
  events?: string[];
}
