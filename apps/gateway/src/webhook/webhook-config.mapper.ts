import { badRequest } from '@gw/common';
import { parseEventName } from '@gw/events';
import type { StoredWebhookConfig } from '@gw/persistence';
import { WebhookConfigDto, WebhookExtrasDto } from './dto/webhook-config.dto';

const HTTP_URL = /^https?:\/\//i;

/** Flat fields a body may carry beside (or instead of) the nested `webhook` object. */
export interface FlatWebhookFields extends WebhookExtrasDto {
  enabled?: boolean;
  url?: string;
  webhookByEvents?: boolean;
  webhookBase64?: boolean;
  webhook_by_events?: boolean;
  webhook_base64?: boolean;
  events?: string[];
  headers?: Record<string, string>;
}

/**
 * Every accepted body shape becomes one stored config. Events are stored by canonical name
 * (GROUP_UPDATE -> GROUPS_UPDATE) and `[]` keeps meaning "all events".
 */
export function toWebhookConfig(
  nested: WebhookConfigDto | undefined,
  flat: FlatWebhookFields,
  existingUrl?: string,
): StoredWebhookConfig | null {
  const enabled = nested?.enabled ?? flat.enabled ?? true;
  const given = nested?.url ?? flat.url;
  // a disabled webhook keeps its last real URL rather than a placeholder such as n8n's "vazio"
  const url = (enabled || (given && HTTP_URL.test(given)) ? given : undefined) ?? existingUrl;
  if (!url && enabled) return null;
  const events = nested?.events ?? flat.events ?? [];
  return {
    url: url ?? '',
    enabled,
    webhookByEvents:
      nested?.byEvents ?? nested?.webhookByEvents ?? flat.webhookByEvents ?? flat.webhook_by_events ?? false,
    webhookBase64: nested?.base64 ?? nested?.webhookBase64 ?? flat.webhookBase64 ?? flat.webhook_base64 ?? false,
    headers: nested?.headers ?? flat.headers ?? null,
    events: [...new Set(events.map((e) => parseEventName(e)!))],
    ...extras(nested, flat),
  };
}

/** Only the extras a body actually sets, so an Evolution-shaped update leaves them unchanged. */
function extras(nested: WebhookExtrasDto | undefined, flat: WebhookExtrasDto): Partial<StoredWebhookConfig> {
  const pick = <K extends keyof WebhookExtrasDto>(k: K) => nested?.[k] ?? flat[k];
  const out: Partial<StoredWebhookConfig> = {};
  if (pick('secret') !== undefined) out.secret = pick('secret');
  if (pick('hubSignature') !== undefined) out.hubSignature = pick('hubSignature');
  if (pick('ordered') !== undefined) out.ordered = pick('ordered');
  if (pick('retrySchedule') !== undefined) out.retrySchedule = pick('retrySchedule')!.join(',');
  if (pick('format') !== undefined) out.format = pick('format');
  return out;
}

/**
 * A cloud-api webhook is always signed the way Meta signs (X-Hub-Signature-256), so receivers
 * written for the Cloud API can verify it: it needs a secret (given, generated or stored).
 */
export function applyCloudApiSigning(config: StoredWebhookConfig, existing?: { format: string; secret: string | null } | null) {
  const format = config.format ?? existing?.format;
  if (format !== 'cloud-api' || !config.enabled) return;
  if (!(config.secret ?? existing?.secret)) {
    throw badRequest('secret is required with format cloud-api (or generateSecret: true): receivers check X-Hub-Signature-256 with it');
  }
  config.hubSignature = true;
}
