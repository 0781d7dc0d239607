import type { Webhook } from '@gw/persistence';
import { maskSecretHeaders } from './secret-header.util';

/** Evolution v2 returns its Prisma Webhook row from set and find; same field names here. */
export function webhookRowView(w: Webhook | null) {
  if (!w) return null;
  return {
    id: w.id,
    url: w.url,
    // Secret header values (jwt_key, tokens, ...) are only said to be set, never shown.
    headers: maskSecretHeaders(w.headers),
    enabled: w.enabled,
    events: w.events,
    webhookByEvents: w.webhookByEvents,
    webhookBase64: w.webhookBase64,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
    instanceId: w.instanceId,
    // gateway extras; the secret itself is never shown again after it was generated
    signed: !!w.secret,
    hubSignature: w.hubSignature,
    ordered: w.ordered,
    format: w.format,
    retrySchedule: w.retrySchedule ? w.retrySchedule.split(',').map(Number) : null,
    disabledAt: w.disabledAt,
    disabledReason: w.disabledReason,
  };
}

/** A webhook on the /webhooks routes: the row view plus its label, filters and whether it is the primary one. */
export function webhookItemView(w: Webhook, generatedSecret?: string) {
  return {
    ...webhookRowView(w)!,
    name: w.name,
    primary: w.primaryFor !== null,
    filters: w.filters ?? null,
    ...(generatedSecret ? { secret: generatedSecret } : {}),
  };
}
