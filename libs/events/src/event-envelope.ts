import { wireName } from './event-catalogue';
import { GatewayEvent } from './gateway-event';

/** Evolution v2 webhook body. */
export interface EvolutionEnvelope {
  event: string;
  instance: string | null;
  data: unknown;
  destination: string;
  date_time: string;
  sender?: string;
  server_url: string;
  apikey: string | null;
}

export function buildEnvelope(
  event: GatewayEvent,
  destination: string,
  serverUrl: string,
  apikey: string | null,
): EvolutionEnvelope {
  return {
    event: wireName(event.name),
    instance: event.instanceName || null,
    data: event.data,
    destination,
    // Evolution sends local wall-clock time with a Z; we send true UTC.
    date_time: event.occurredAt.toISOString(),
    ...(event.sender ? { sender: event.sender } : {}),
    server_url: serverUrl,
    apikey,
  };
}
