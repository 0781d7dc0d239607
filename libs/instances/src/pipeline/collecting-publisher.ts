import { CataloguePublisher, EventName, EventOrigin, EventSink, GatewayEvent, PayloadOf, catalogueEvent } from '@gw/events';

/**
 * Publish stage of a feed that must know its events are in the outbox before it acknowledges
 * its input (Cloud API notifications: the queued job succeeds only then, else it is retried):
 * collects the events of one input, then hands them to the sink as one unit and lets failures throw.
 */
export class CollectingPublisher implements CataloguePublisher {
  private readonly events: GatewayEvent[] = [];

  constructor(private readonly origin: EventOrigin) {}

  publish<K extends EventName>(name: K, data: PayloadOf<K>): void {
    this.events.push(catalogueEvent(name, data, this.origin));
  }

  get size(): number {
    return this.events.length;
  }

  async flush(sink: EventSink): Promise<void> {
    if (!this.events.length) return;
    if (sink.publishMany) return sink.publishMany(this.events);
    for (const event of this.events) await sink.publish(event);
  }
}
