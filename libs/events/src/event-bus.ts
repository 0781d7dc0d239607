import { GatewayEvent } from './gateway-event';

/** Where producers (instances, API) hand events over; the delivery layer implements it. */
export interface EventSink {
  publish(event: GatewayEvent): Promise<void>;
  /**
   * Several events of one producer, in order, as one unit of work (one sequence allocation, one
   * outbox write, one queue write). Sinks without it get the events one by one.
   */
  publishMany?(events: GatewayEvent[]): Promise<void>;
}
export const EVENT_SINK = Symbol('EVENT_SINK');
