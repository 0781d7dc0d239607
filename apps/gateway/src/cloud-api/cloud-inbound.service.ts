import { Inject, Injectable, Logger } from '@nestjs/common';
import { EVENT_SINK, EventSink } from '@gw/events';
import { CollectingPublisher, EventPipeline, InstancePipeline, InstanceRegistry } from '@gw/instances';
import { CloudApiRepository } from '@gw/persistence';
import {
  CLOUD_API_INTEGRATION,
  CloudChangeValue,
  CloudNotification,
  EngineEvent,
  EngineMessage,
  MediaDownload,
  NormalizedChange,
  normalizeChange,
} from '@gw/whatsapp';

type Target = { id: string; name: string };

/**
 * The Cloud API engine's inbound side: turns one Meta notification into engine events and
 * feeds them to the instance's event pipeline, the one Baileys instances go through (stored,
 * findable, the same Evolution v2 events). Every message id and (status id, status) is claimed
 * in Postgres first, so Meta's retries and duplicates produce no second event; the events of a
 * change reach the outbox as one unit before the job succeeds, and if they cannot, the claims
 * are released so the queue's retry still delivers them.
 */
@Injectable()
export class CloudInboundService {
  private readonly logger = new Logger('MetaWebhook');
  /** Per instance on this node: what its pipeline learnt (contacts and chats already seen). */
  private readonly pipelines = new Map<string, InstancePipeline>();

  constructor(
    @Inject(EVENT_SINK) private readonly sink: EventSink,
    private readonly cloud: CloudApiRepository,
    private readonly registry: InstanceRegistry,
    private readonly eventPipeline: EventPipeline,
  ) {}

  async handle(notification: CloudNotification, instanceName?: string): Promise<void> {
    for (const entry of notification.entry ?? []) {
      for (const change of entry.changes ?? []) {
        if (change.field !== 'messages' || !change.value?.metadata) continue;
        const instance = await this.instanceFor(change.value, instanceName);
        if (instance) await this.handleChange(instance, change.value);
      }
    }
  }

  private async instanceFor(value: CloudChangeValue, instanceName?: string): Promise<Target | null> {
    const phoneNumberId = value.metadata.phone_number_id;
    if (instanceName) {
      const named = await this.cloud.findByName(instanceName);
      if (named?.integration === CLOUD_API_INTEGRATION) return named;
      this.logger.warn(`notification for "${instanceName}" dropped: no Cloud API instance has that name`);
      return null;
    }
    const found = await this.cloud.findByPhoneNumberId(phoneNumberId);
    if (!found) this.logger.warn(`notification for phone number id ${phoneNumberId} dropped: no Cloud API instance uses it`);
    return found;
  }

  private async handleChange(instance: Target, value: CloudChangeValue): Promise<void> {
    for (const e of value.errors ?? []) this.logger.warn(`instance ${instance.name}: Meta reported error ${e.code}: ${e.title ?? e.message ?? ''}`);
    const change = normalizeChange(value);
    const messageKey = (id: string) => `m:${id}`;
    // Each status update by its own status: one notification may carry several for one message.
    const statusKey = (u: NormalizedChange['updates'][number]) => `s:${u.key.id}:${u.status ?? ''}`;
    const keys = [...change.messages.map((m) => messageKey(m.key.id)), ...change.updates.map(statusKey)];
    const fresh = await this.cloud.claim(instance.id, keys);
    const messages = change.messages.filter((m) => fresh.has(messageKey(m.key.id)));
    const updates = change.updates.filter((u) => fresh.has(statusKey(u)));
    const out = new CollectingPublisher({ instanceId: instance.id, instanceName: instance.name, sender: change.accountJid });
    try {
      const pipeline = this.pipelineOf(instance);
      for (const event of engineEvents(change, messages, updates)) await pipeline.handle(event, out);
      await out.flush(this.sink);
    } catch (err) {
      await this.cloud.release(instance.id, [...fresh]).catch(() => undefined);
      throw err;
    }
  }

  private pipelineOf(instance: Target): InstancePipeline {
    let pipeline = this.pipelines.get(instance.id);
    if (!pipeline) {
      pipeline = this.eventPipeline.open(instance, {
        downloadMedia: (m, maxBytes) => this.downloadMedia(instance, m, maxBytes),
        sender: () => undefined, // each change names its business number (see handleChange)
        deduplicatedByFeed: true,
      });
      this.pipelines.set(instance.id, pipeline);
    }
    return pipeline;
  }

  /** Media id -> URL -> bytes through the Graph API, with the instance's token and proxy. */
  private async downloadMedia(instance: Target, m: EngineMessage, maxBytes: number): Promise<MediaDownload> {
    const session = this.registry.get(instance.id)?.session;
    if (!session) {
      this.logger.warn(`instance ${instance.name}: media of ${m.key.id} not fetched: the instance is not open on this node`);
      return { ok: false, reason: 'download-failed', error: 'the instance is not open on this node' };
    }
    return session.chat.downloadStoredMedia(m, maxBytes);
  }
}

/** A change as the engine events a Baileys session would emit: its senders, the messages, the receipts. */
function engineEvents(change: NormalizedChange, messages: EngineMessage[], updates: NormalizedChange['updates']): EngineEvent[] {
  const events: EngineEvent[] = [];
  if (messages.length && change.contacts.length) events.push({ type: 'contacts', action: 'upsert', contacts: change.contacts });
  if (messages.length) events.push({ type: 'messages', origin: 'notify', messages });
  if (updates.length) events.push({ type: 'message-updates', updates });
  return events;
}
