import { EventName, wireName } from '@gw/events';

/** Where one RabbitMQ delivery goes: Evolution v2's topology, so its consumers keep working. */
export interface RabbitmqDestination {
  exchange: string;
  /** Durable quorum queue bound to the exchange by `routingKey`. */
  queue: string;
  /** The wire event name (`messages.upsert`), as Evolution publishes it. */
  routingKey: string;
}

/** Per instance: a topic exchange named after the instance, queue `<instance>.<event>`. */
export function instanceDestination(instanceName: string, event: EventName): RabbitmqDestination {
  const key = wireName(event);
  return { exchange: instanceName, queue: `${instanceName}.${key}`, routingKey: key };
}

/** Global: RABBITMQ_EXCHANGE_NAME, queue `<RABBITMQ_PREFIX_KEY>.<event>` (or just the event without a prefix). */
export function globalDestination(exchangeName: string, prefixKey: string, event: EventName): RabbitmqDestination {
  const key = wireName(event);
  return { exchange: exchangeName, queue: prefixKey ? `${prefixKey}.${key}` : key, routingKey: key };
}

/** The delivery log's `url` for a RabbitMQ delivery: `amqp:<exchange>/<queue>` (no credentials). */
export function destinationUrl(d: RabbitmqDestination): string {
  return `amqp:${encodeURIComponent(d.exchange)}/${encodeURIComponent(d.queue)}`;
}

export function parseDestinationUrl(url: string, routingKey: string): RabbitmqDestination | null {
  const m = /^amqp:([^/]*)\/([^/]+)$/.exec(url);
  if (!m) return null;
  return { exchange: decodeURIComponent(m[1]), queue: decodeURIComponent(m[2]), routingKey };
}
