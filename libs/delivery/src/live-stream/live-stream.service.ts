import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { GatewayEvent, buildEnvelope } from '@gw/events';
import { withSequence } from '@gw/persistence';
import type { RoutedDelivery } from '../delivery-job';
import { WebhookTargetCache } from '../webhook-target.cache';
import { LiveFanout } from './live-fanout.service';
import { GLOBAL_TOPIC, LiveAudience, instanceTopic } from './live-message';
import { WebsocketSettingsCache } from './websocket-settings.cache';

/**
 * The socket.io destination: after the router wrote an event's outbox rows, the event goes to
 * the instance's namespace and (WEBSOCKET_GLOBAL_EVENTS) the default one, in Evolution's
 * websocket envelope (the webhook body without `destination`) with our `sequence` when the
 * event was numbered. Apps get the events their /websocket/set lists; the manager's monitors
 * get every event. Never throws: a live stream must not hold up or fail webhook delivery.
 */
@Injectable()
export class LiveStream {
  private readonly logger = new Logger('LiveStream');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly fanout: LiveFanout,
    private readonly settings: WebsocketSettingsCache,
    private readonly targets: WebhookTargetCache,
  ) {}

  async publish(events: GatewayEvent[], deliveries: RoutedDelivery[]): Promise<void> {
    try {
      let sequences: Map<object, number> | undefined;
      for (const event of events) {
        const topic = event.instanceName && event.audience !== 'global' ? instanceTopic(event.instanceName) : undefined;
        const toInstance = topic !== undefined && this.fanout.isListened(topic);
        const toGlobal = event.audience !== 'instance' && this.fanout.isListened(GLOBAL_TOPIC);
        if (!toInstance && !toGlobal) continue; // nobody listens: no work
        sequences ??= sequenceByEvent(deliveries);
        const body = await this.body(event, sequences.get(event));
        if (toInstance) this.fanout.publish(topic, { event: body.event, audience: await this.instanceAudience(event), body: body.text });
        if (toGlobal) this.fanout.publish(GLOBAL_TOPIC, { event: body.event, audience: this.globalAudience(), body: body.text });
      }
    } catch (err) {
      this.logger.warn(`live events of ${events[0]?.instanceName || 'gateway'} not streamed: ${(err as Error).message}`);
    }
  }

  private async body(event: GatewayEvent, sequence: number | undefined) {
    const instance = event.instanceId ? await this.targets.get(event.instanceId) : null;
    const apikey = this.config.auth.exposeInFetchInstances && instance ? instance.token : null;
    const { destination: _destination, ...envelope } = buildEnvelope(event, '', this.config.server.url, apikey);
    const text = JSON.stringify(envelope);
    return { event: envelope.event, text: sequence === undefined ? text : withSequence(text, sequence) };
  }

  private async instanceAudience(event: GatewayEvent): Promise<LiveAudience> {
    if (!this.config.websocket.enabled || !event.instanceId) return 'monitor';
    return (await this.settings.events(event.instanceId)).has(event.name) ? 'all' : 'monitor';
  }

  private globalAudience(): LiveAudience {
    return this.config.websocket.enabled && this.config.websocket.globalEvents ? 'all' : 'monitor';
  }
}

/** The number the producer gave each event (its deliveries share the event object). */
function sequenceByEvent(deliveries: RoutedDelivery[]): Map<object, number> {
  const out = new Map<object, number>();
  for (const d of deliveries) if (d.numbering && d.job.sequence !== null) out.set(d.numbering.event, d.job.sequence);
  return out;
}
