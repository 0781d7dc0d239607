import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import {
  EventName,
  EventSink,
  GatewayEvent,
  buildEnvelope,
  globalSwitchNames,
  parseEventName,
  urlSuffix,
} from '@gw/events';
import { randomUUID } from 'node:crypto';
import { DeliveryJob } from './delivery-job';
import { DeliveryProducer } from './delivery-producer.service';
import { WebhookTargetCache } from './webhook-target.cache';

interface Target {
  url: string;
  byEvents: boolean;
  headers: Record<string, string>;
}

function joinSuffix(url: string, name: EventName, byEvents: boolean): string {
  return byEvents ? `${url.replace(/\/+$/, '')}/${urlSuffix(name)}` : url;
}

function stringHeaders(raw: unknown): Record<string, string> {
  if (!raw || typeof raw !== 'object') return {};
  return Object.fromEntries(Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

/**
 * Routes each event to the instance webhook (if subscribed) and the global webhook (if its
 * env switch is on), independently, and enqueues one durable delivery per target.
 */
@Injectable()
export class WebhookRouter implements EventSink {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly targetsCache: WebhookTargetCache,
    private readonly producer: DeliveryProducer,
  ) {}

  async publish(event: GatewayEvent): Promise<void> {
    const instance = event.instanceId ? await this.targetsCache.get(event.instanceId) : null;
    const targets: Target[] = [];
    const hook = event.audience === 'global' ? undefined : instance?.webhook;
    if (hook?.enabled && hook.url) {
      const events = (Array.isArray(hook.events) ? hook.events : []).map((e) => parseEventName(String(e)));
      if (events.length === 0 || events.includes(event.name)) {
        targets.push({ url: hook.url, byEvents: hook.webhookByEvents, headers: stringHeaders(hook.headers) });
      }
    }
    const global = this.config.globalWebhook;
    if (event.audience !== 'instance' && global.enabled && global.url && this.globalWants(event.name)) {
      targets.push({ url: global.url, byEvents: global.byEvents, headers: {} });
    }
    if (!targets.length) return;

    const apikey = this.config.auth.exposeInFetchInstances && instance ? instance.token : null;
    const jobs: DeliveryJob[] = targets.map((t) => {
      const url = joinSuffix(t.url, event.name, t.byEvents);
      return {
        deliveryId: `msg_${randomUUID()}`,
        instanceId: event.instanceId,
        event: event.name,
        url,
        headers: t.headers,
        body: JSON.stringify(buildEnvelope(event, url, this.config.server.url, apikey)),
        enqueuedAt: Date.now(),
      };
    });
    await this.producer.enqueue(jobs);
  }

  private globalWants(name: EventName): boolean {
    const switches = this.config.globalWebhook.eventSwitches;
    return globalSwitchNames(name).some((s) => switches[s]);
  }
}
