import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import {
  EventName,
  EventSink,
  GLOBAL_BY_DEFAULT,
  GatewayEvent,
  buildEnvelope,
  cloudApiNotification,
  globalSwitchNames,
  parseEventName,
  urlSuffix,
} from '@gw/events';
import { randomUUID } from 'node:crypto';
import { DeliveryJob, RoutedDelivery } from './delivery-job';
import { DeliveryProducer } from './delivery-producer.service';
import { InstanceWithConfig, Webhook, WebhookFilters } from '@gw/persistence';
import { CompiledFilters, compileFilters, passesFilters } from './webhook-filter';
import { WebhookTargetCache } from './webhook-target.cache';
import { RabbitmqRouting } from './rabbitmq/rabbitmq-routing.service';
import { LiveStream } from './live-stream/live-stream.service';

interface Target {
  kind: 'instance' | 'global';
  webhookId: string | null;
  url: string;
  byEvents: boolean;
  headers: Record<string, string>;
  ordered: boolean;
  scheduleMs?: number[];
  /** cloud-api: Meta's notification shape instead of Evolution's envelope (message/status events only). */
  format?: string;
  /** false: media base64 (asked for by another webhook of the instance) is left out of this one's body */
  base64: boolean;
}

function joinSuffix(url: string, name: EventName, byEvents: boolean): string {
  return byEvents ? `${url.replace(/\/+$/, '')}/${urlSuffix(name)}` : url;
}

function stringHeaders(raw: unknown): Record<string, string> {
  if (!raw || typeof raw !== 'object') return {};
  return Object.fromEntries(Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

/** The chat an event belongs to, for per-chat ordering; instance-level events share one lane. */
function chatOf(event: GatewayEvent): string {
  const d = event.data as { key?: { remoteJid?: string }; remoteJid?: string; id?: string } | null;
  return d?.key?.remoteJid ?? d?.remoteJid ?? '_instance';
}

/** An event without the media base64 a webhook did not ask for (webhookBase64 is per webhook). */
function withoutBase64(event: GatewayEvent): GatewayEvent {
  const data = event.data as { message?: { base64?: unknown } } | null;
  if (!data?.message || data.message.base64 === undefined) return event;
  const { base64: _dropped, ...message } = data.message;
  return { ...event, data: { ...data, message } };
}

/**
 * Routes each event to the instance's webhooks (each if subscribed and its filters pass) and the
 * global webhook (if its env switch is on), independently, numbers it (per-instance sequence,
 * kept in Postgres) and enqueues one durable delivery per target. An event no webhook takes is
 * dropped here: no outbox row, no sequence number.
 */
const PUBLISH_RETRY_MS = 60_000;
const CLOUD_API_FORMAT = 'cloud-api';

@Injectable()
export class WebhookRouter implements EventSink {
  private readonly logger = new Logger('Router');
  /** Compiled per webhook row: the target cache hands out the same row object until it reloads. */
  private readonly compiled = new WeakMap<Webhook, CompiledFilters | null>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly targetsCache: WebhookTargetCache,
    private readonly producer: DeliveryProducer,
    private readonly rabbitmq: RabbitmqRouting,
    private readonly live: LiveStream,
  ) {}

  async publish(event: GatewayEvent): Promise<void> {
    return this.publishMany([event]);
  }

  /**
   * Routes and enqueues events in order, retrying for up to a minute when Postgres or Redis is
   * briefly away (a restart, a failover): events of an instance wait in order instead of being
   * dropped. A batch (one instance's events that queued up while its previous batch was written)
   * shares one sequence allocation, one outbox INSERT and one addBulk.
   */
  async publishMany(events: GatewayEvent[]): Promise<void> {
    if (!events.length) return;
    const deadline = Date.now() + PUBLISH_RETRY_MS;
    for (let attempt = 1; ; attempt++) {
      let deliveries: RoutedDelivery[];
      try {
        deliveries = await this.route(events);
      } catch (err) {
        if (Date.now() > deadline) throw err;
        const wait = Math.min(5_000, 100 * 2 ** attempt);
        const first = events[0];
        const what = events.length === 1 ? first.name : `${events.length} events`;
        this.logger.warn(`could not route ${what} of ${first.instanceName || 'gateway'} (${(err as Error).message}); retrying in ${wait} ms`);
        await new Promise((r) => setTimeout(r, wait));
        continue;
      }
      // socket.io (live stream): after the outbox write, so the envelope carries the event's sequence
      return this.live.publish(events, deliveries);
    }
  }

  /** Writes the events' deliveries to the outbox; returns them, numbered. */
  private async route(events: GatewayEvent[]): Promise<RoutedDelivery[]> {
    const routed: { event: GatewayEvent; instance: InstanceWithConfig | null; targets: Target[]; cloudBody: unknown; rabbit: RoutedDelivery[] }[] = [];
    for (const event of events) {
      const instance = event.instanceId ? await this.targetsCache.get(event.instanceId) : null;
      const candidates = this.targets(event, instance);
      const cloudBody = instance && candidates.some((t) => t.format === CLOUD_API_FORMAT) ? this.cloudBody(event, instance) : null;
      const targets = candidates.filter((t) => t.format !== CLOUD_API_FORMAT || cloudBody);
      const rabbit = await this.rabbitmq.deliveries(event, this.config.auth.exposeInFetchInstances && instance ? instance.token : null);
      if (targets.length || rabbit.length) routed.push({ event, instance, targets, cloudBody, rabbit });
    }
    if (!routed.length) return [];
    // Numbered by the producer, in the statement that writes the outbox rows (event order kept).
    const deliveries: RoutedDelivery[] = [];
    for (const { event, instance, targets, cloudBody, rabbit } of routed) {
      deliveries.push(...rabbit);
      const apikey = this.config.auth.exposeInFetchInstances && instance ? instance.token : null;
      for (const t of targets) {
        const cloud = t.format === CLOUD_API_FORMAT;
        // Meta posts every notification to one URL, so by-events suffixes do not apply to cloud-api.
        const url = cloud ? t.url : joinSuffix(t.url, event.name, t.byEvents);
        // The Evolution envelope gets `sequence` as its last field; a Meta-shaped body has none.
        const envelope = cloud ? cloudBody : buildEnvelope(t.base64 ? event : withoutBase64(event), url, this.config.server.url, apikey);
        const job: DeliveryJob = {
          deliveryId: `msg_${randomUUID().replace(/-/g, '')}`,
          instanceId: event.instanceId || null,
          instanceName: event.instanceName || null,
          webhookId: t.webhookId,
          target: t.kind,
          event: event.name,
          url,
          headers: t.headers,
          body: JSON.stringify(envelope),
          sequence: null,
          enqueuedAt: Date.now(),
          ...(t.scheduleMs ? { scheduleMs: t.scheduleMs } : {}),
          ...(t.ordered && t.webhookId ? { laneKey: this.producer.laneKey(t.webhookId, chatOf(event)) } : {}),
        };
        deliveries.push({ job, ...(event.instanceId ? { numbering: { instanceId: event.instanceId, event, inBody: !cloud } } : {}) });
      }
    }
    await this.producer.enqueue(deliveries);
    return deliveries;
  }

  private targets(event: GatewayEvent, instance: InstanceWithConfig | null): Target[] {
    const targets: Target[] = [];
    const hooks = event.audience === 'global' || !instance ? [] : (instance.webhooks ?? (instance.webhook ? [instance.webhook] : []));
    for (const hook of hooks) {
      if (!hook.enabled || !hook.url) continue;
      const events = (Array.isArray(hook.events) ? hook.events : []).map((e) => parseEventName(String(e)));
      if (events.length && !events.includes(event.name)) continue;
      if (!passesFilters(this.filtersOf(hook), event)) continue;
      targets.push({
        kind: 'instance',
        webhookId: hook.id,
        url: hook.url,
        byEvents: hook.webhookByEvents,
        headers: stringHeaders(hook.headers),
        ordered: hook.ordered,
        format: hook.format,
        base64: hook.webhookBase64,
        scheduleMs: hook.retrySchedule ? hook.retrySchedule.split(',').map((s) => Number(s) * 1000) : undefined,
      });
    }
    const global = this.config.globalWebhook;
    if (event.audience !== 'instance' && global.enabled && global.url && this.globalWants(event.name)) {
      targets.push({ kind: 'global', webhookId: null, url: global.url, byEvents: global.byEvents, headers: {}, ordered: false, base64: true });
    }
    return targets;
  }

  private filtersOf(hook: Webhook): CompiledFilters | null {
    if (!hook.filters) return null;
    let compiled = this.compiled.get(hook);
    if (compiled === undefined) {
      compiled = compileFilters(hook.filters as WebhookFilters);
      this.compiled.set(hook, compiled);
    }
    return compiled;
  }

  /** The Cloud API metadata of an instance: its Meta ids, or (Baileys) its own number and id. */
  private cloudBody(event: GatewayEvent, instance: InstanceWithConfig) {
    const display = (event.sender ?? instance.ownerJid ?? '').split('@')[0].split(':')[0];
    const isCloud = instance.integration === 'WHATSAPP-BUSINESS';
    return cloudApiNotification(event, {
      entryId: (isCloud && instance.businessId) || instance.id,
      phoneNumberId: (isCloud && instance.number) || display,
      displayPhoneNumber: display,
    });
  }

  private globalWants(name: EventName): boolean {
    const switches = this.config.globalWebhook.eventSwitches;
    const names = globalSwitchNames(name);
    if (GLOBAL_BY_DEFAULT.has(name)) return names.every((s) => switches[s] !== false);
    return names.some((s) => switches[s]);
  }
}
