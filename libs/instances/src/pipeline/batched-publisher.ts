import { Logger } from '@nestjs/common';
import { CataloguePublisher, EventName, EventOrigin, EventSink, GatewayEvent, PayloadOf, catalogueEvent } from '@gw/events';

/**
 * Publish stage of a live instance: its events go to the sink in order, in batches; what
 * queues up while a batch is written goes out as the next batch (group commit), so one
 * instance is not capped at one publish round trip per event. A failure (after the router's
 * retries) is logged and does not block later ones.
 */
export class BatchedPublisher implements CataloguePublisher {
  private chain: Promise<void> = Promise.resolve();
  private queued: GatewayEvent[] = [];
  private publishing = false;

  constructor(
    private readonly sink: EventSink,
    /** Read at each publish: the sender is known once the account logged in. */
    private readonly origin: () => EventOrigin,
    private readonly logger: Logger,
  ) {}

  publish<K extends EventName>(name: K, data: PayloadOf<K>): void {
    this.queued.push(catalogueEvent(name, data, this.origin()));
    if (this.publishing) return;
    this.publishing = true;
    // Started on the next microtask, so the events a handler publishes in one go share a batch.
    this.chain = Promise.resolve().then(() => this.publishQueued());
  }

  /** Resolves once every event published so far has been handed to the sink. */
  drained(): Promise<void> {
    return this.chain;
  }

  private async publishQueued(): Promise<void> {
    const sink = this.sink;
    const failed = (what: string, err: unknown) =>
      this.logger.error(`instance ${this.origin().instanceName}: could not enqueue ${what}: ${(err as Error).message}`);
    try {
      while (this.queued.length) {
        const batch = this.queued;
        this.queued = [];
        if (sink.publishMany) {
          await sink.publishMany(batch).catch((err) => failed(batch.length === 1 ? batch[0].name : `${batch.length} events`, err));
        } else {
          for (const event of batch) await sink.publish(event).catch((err) => failed(event.name, err));
        }
      }
    } finally {
      this.publishing = false;
    }
  }
}
