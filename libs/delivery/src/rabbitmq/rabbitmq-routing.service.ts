import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { EventName, GatewayEvent, buildEnvelope, globalSwitchNames, parseEventName } from '@gw/events';
import { RabbitmqRepository, StoredRabbitmq } from '@gw/persistence';
import { randomUUID } from 'node:crypto';
import { DeliveryJob, RoutedDelivery } from '../delivery-job';
import { RabbitmqDestination, destinationUrl, globalDestination, instanceDestination } from './rabbitmq-destination';

const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/**
 * Which RabbitMQ destinations an event goes to (the instance's exchange if its /rabbitmq/set
 * lists the event, the global exchange if its RABBITMQ_EVENTS_* switch is on), as outbox
 * deliveries. Instance settings are cached briefly, like the webhook rows.
 */
/** Evolution's RabbitMQ body: the webhook envelope without `destination` (the producer appends `sequence`). */
function rabbitmqEnvelope(event: GatewayEvent, url: string, serverUrl: string, apikey: string | null) {
  const { destination: _destination, ...body } = buildEnvelope(event, url, serverUrl, apikey);
  return body;
}

@Injectable()
export class RabbitmqRouting {
  private readonly entries = new Map<string, { value: StoredRabbitmq | null; expires: number }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: RabbitmqRepository,
  ) {}

  async deliveries(event: GatewayEvent, apikey: string | null): Promise<RoutedDelivery[]> {
    const rabbit = this.config.rabbitmq;
    if (!rabbit.enabled) return [];
    const out: RoutedDelivery[] = [];
    if (event.audience !== 'global' && event.instanceId && event.instanceName) {
      const row = await this.settings(event.instanceId);
      const events = (row?.enabled ? row.events : []).map((e) => parseEventName(e));
      if (events.includes(event.name)) out.push(this.delivery(event, 'rabbitmq', instanceDestination(event.instanceName, event.name), apikey));
    }
    if (event.audience !== 'instance' && rabbit.globalEnabled && this.globalWants(event.name)) {
      out.push(this.delivery(event, 'rabbitmq-global', globalDestination(rabbit.exchangeName, rabbit.prefixKey, event.name), apikey));
    }
    return out;
  }

  invalidate(instanceId: string): void {
    this.entries.delete(instanceId);
  }

  private delivery(event: GatewayEvent, target: 'rabbitmq' | 'rabbitmq-global', d: RabbitmqDestination, apikey: string | null): RoutedDelivery {
    const url = destinationUrl(d);
    const job: DeliveryJob = {
      deliveryId: `msg_${randomUUID().replace(/-/g, '')}`,
      instanceId: event.instanceId || null,
      instanceName: event.instanceName || null,
      webhookId: null,
      target,
      event: event.name,
      url,
      headers: {},
      body: JSON.stringify(rabbitmqEnvelope(event, url, this.config.server.url, apikey)),
      sequence: null,
      enqueuedAt: Date.now(),
    };
    return { job, ...(event.instanceId ? { numbering: { instanceId: event.instanceId, event, inBody: true } } : {}) };
  }

  private globalWants(name: EventName): boolean {
    const switches = this.config.rabbitmq.eventSwitches;
    return globalSwitchNames(name).some((s) => switches[s]);
  }

  private async settings(instanceId: string): Promise<StoredRabbitmq | null> {
    const hit = this.entries.get(instanceId);
    if (hit && hit.expires > Date.now()) return hit.value;
    const value = await this.repo.find(instanceId);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(instanceId, { value, expires: Date.now() + TTL_MS });
    return value;
  }
}
