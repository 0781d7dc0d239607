import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional, IsString, IsUrl } from 'class-validator';
import { IsEventList } from './event-list.validator';

export const WEBHOOK_URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/** The nested `webhook` object of a v2 create body (n8n's webhookByEvents/webhookBase64 spellings accepted). */
export class InstanceWebhookDto {
  @ApiPropertyOptional({ example: 'https://example.com/hooks/wa' })
  @IsString()
  @IsUrl(WEBHOOK_URL_OPTIONS, { message: 'webhook.url must be an http(s) URL' })
  url: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ description: 'POST each event to url/<event-suffix>, e.g. /qrcode-updated' })
  @IsOptional()
  @IsBoolean()
  byEvents?: boolean;

  @ApiPropertyOptional()
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

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsObject()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ type: [String], example: ['QRCODE_UPDATED', 'CONNECTION_UPDATE'], description: 'Empty or absent: all events' })
  @IsOptional()
  @IsEventList()
  events?: string[];
}
