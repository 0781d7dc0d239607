import { GatewayEvent } from './gateway-event';

/** Where producers (instances, API) hand events over; the delivery layer implements it. */
export interface EventSink {
  publish(event: GatewayEvent): Promise<void>;
}
export const EVENT_SINK = Symbol('EVENT_SINK');
