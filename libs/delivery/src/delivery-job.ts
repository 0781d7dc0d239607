import type { EventName } from '@gw/events';

/** One event to one URL. The body is frozen at enqueue time so every retry sends the same bytes. */
export interface DeliveryJob {
  deliveryId: string;
  instanceId: string;
  event: EventName;
  url: string;
  headers: Record<string, string>;
  body: string;
  enqueuedAt: number;
}
