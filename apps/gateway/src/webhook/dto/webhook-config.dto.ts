import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Min,
  Validate,
  ValidateIf,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { MAX_RETRY_HORIZON_S } from '@gw/config';
import { IsEventList } from './event-list.validator';
import { IsWebhookHeaders } from './webhook-headers.validator';

export const WEBHOOK_FORMATS = ['evolution', 'cloud-api'] as const;

export const WEBHOOK_URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

@ValidatorConstraint({ name: 'scheduleWithinHorizon' })
export class ScheduleWithinHorizon implements ValidatorConstraintInterface {
  validate(value: unknown) {
    return Array.isArray(value) && value.reduce((sum: number, s) => sum + Number(s), 0) <= MAX_RETRY_HORIZON_S;
  }
  defaultMessage() {
    return 'retrySchedule must add up to at most 7 days (604800 s)';
  }
}

/** Gateway extras (signing, ordering, retries) accepted beside Evolution's fields. */
export class WebhookExtrasDto {
  @ApiPropertyOptional({ description: 'Standard Webhooks signing secret (whsec_<base64>, or any string of 16+ characters)' })
  @IsOptional()
  @IsString()
  @Matches(/^(whsec_[A-Za-z0-9+/=]{32,}|[^\s]{16,})$/, { message: 'secret must be whsec_<base64> or at least 16 characters' })
  secret?: string;

  @ApiPropertyOptional({ description: 'Generate a signing secret (returned once in this response)' })
  @IsOptional()
  @IsBoolean()
  generateSecret?: boolean;

  @ApiPropertyOptional({ description: 'Also send X-Hub-Signature-256 (Meta style), keyed with the secret' })
  @IsOptional()
  @IsBoolean()
  hubSignature?: boolean;

  @ApiPropertyOptional({ description: 'Deliver the events of one chat strictly in order' })
  @IsOptional()
  @IsBoolean()
  ordered?: boolean;

  @ApiPropertyOptional({ type: [Number], example: [5, 300, 1800], description: 'Seconds between attempts (at most 7 days in total)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsInt({ each: true, message: 'retrySchedule must be a list of whole seconds' })
  @Min(0, { each: true })
  @Validate(ScheduleWithinHorizon)
  retrySchedule?: number[];

  @ApiPropertyOptional({
    enum: WEBHOOK_FORMATS,
    default: 'evolution',
    description: "cloud-api: message and status events in Meta's Cloud API notification shape, signed with X-Hub-Signature-256 (needs a secret); other events are not sent",
  })
  @IsOptional()
  @IsIn(WEBHOOK_FORMATS, { message: 'format must be evolution or cloud-api' })
  format?: (typeof WEBHOOK_FORMATS)[number];
}

/**
 * The nested `webhook` object of v2 bodies (create and /webhook/set). n8n sends
 * webhookByEvents/webhookBase64 inside it; Evolution's code reads byEvents/base64; both work.
 */
export class WebhookConfigDto extends WebhookExtrasDto {
  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ example: 'https://example.com/hooks/wa', description: 'Required unless enabled is false' })
  // disabling ignores the url: the n8n node sends the placeholder "vazio" when its field is blank
  @ValidateIf((o: WebhookConfigDto) => o.enabled !== false)
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
  @IsWebhookHeaders()
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
