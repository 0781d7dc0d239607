import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { WebhookTargetCache } from '@gw/delivery';
import { EVENT_SINK, EventName, EventSink, contactPayload, messageRecord, messageUpdatePayload } from '@gw/events';
import { InstanceRegistry, MediaParts } from '@gw/instances';
import { MediaStorage } from '@gw/media';
import { CloudApiRepository, MessageRepository } from '@gw/persistence';
import {
  CLOUD_API_INTEGRATION,
  CloudChangeValue,
  CloudNotification,
  EngineMessage,
  NormalizedChange,
  cloudMediaId,
  normalizeChange,
} from '@gw/whatsapp';

type Target = { id: string; name: string };

/**
 * Turns one Meta notification into the instance's events, in the same Evolution v2 shapes a
 * Baileys instance produces: CONTACTS_UPSERT, MESSAGES_UPSERT (stored, so replies and receipts
 * find them) and MESSAGES_UPDATE. Every message id and (status id, status) is claimed in
 * Postgres first, so Meta's retries and duplicates produce no second event; a claim whose
 * event could not be published is released, so the queue's retry still delivers it.
 */
@Injectable()
export class CloudInboundService {
  private readonly logger = new Logger('MetaWebhook');

  constructor(
    @Inject(EVENT_SINK) private readonly sink: EventSink,
    private readonly cloud: CloudApiRepository,
    private readonly messages: MessageRepository,
    private readonly registry: InstanceRegistry,
    private readonly storage: MediaStorage,
    private readonly targets: WebhookTargetCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
    const published = new Set<string>();
    try {
      await this.publishChange(instance, change, fresh, published, messageKey, statusKey);
    } catch (err) {
      await this.cloud.release(instance.id, [...fresh].filter((k) => !published.has(k))).catch(() => undefined);
      throw err;
    }
  }

  private async publishChange(
    instance: Target,
    change: NormalizedChange,
    fresh: Set<string>,
    published: Set<string>,
    messageKey: (id: string) => string,
    statusKey: (u: NormalizedChange['updates'][number]) => string,
  ) {
    const publish = (name: EventName, data: unknown) =>
      this.sink.publish({
        name,
        instanceId: instance.id,
        instanceName: instance.name,
        data,
        sender: change.accountJid,
        occurredAt: new Date(),
      });
    const messages = change.messages.filter((m) => fresh.has(messageKey(m.key.id)));
    if (messages.length) {
      // Stored so quoting and later receipts find them; storage failing must not lose the event.
      await this.messages.insertNew(instance.id, messages).catch((err) =>
        this.logger.error(`instance ${instance.name}: could not store messages: ${(err as Error).message}`),
      );
      if (change.contacts.length) await publish('CONTACTS_UPSERT', change.contacts.map((c) => contactPayload(c, instance.id)));
    }
    for (const m of messages) {
      const record = messageRecord(m, instance.id);
      if (record.message && cloudMediaId(m.message)) Object.assign(record.message, await this.mediaOf(instance, m));
      await publish('MESSAGES_UPSERT', record);
      published.add(messageKey(m.key.id));
    }
    for (const u of change.updates) {
      const key = statusKey(u);
      if (!fresh.has(key)) continue;
      const messageId = await this.messages.updateStatus(instance.id, u.key.id, u.status).catch(() => undefined);
      await publish('MESSAGES_UPDATE', messageUpdatePayload(u, instance.id, messageId));
      published.add(key);
    }
  }

  /**
   * Inbound media, like a Baileys instance's: downloaded through the Graph API (media id -> URL ->
   * bytes, with the instance's token and proxy) into storage (mediaUrl) and/or inline base64.
   */
  private async mediaOf(instance: Target, m: EngineMessage): Promise<Record<string, unknown>> {
    const session = this.registry.get(instance.id)?.session;
    if (!session) {
      this.logger.warn(`instance ${instance.name}: media of ${m.key.id} not fetched: the instance is not open on this node`);
      return {};
    }
    const parts = new MediaParts({
      instanceId: instance.id,
      instanceName: instance.name,
      logger: this.logger,
      wantsBase64: async () => {
        const hook = (await this.targets.get(instance.id))?.webhook;
        return !!hook?.enabled && hook.webhookBase64;
      },
      base64MaxBytes: this.config.delivery.base64MaxBytes,
      downloadMedia: (_id, maxBytes) => session.chat.downloadStoredMedia(m, maxBytes),
      storage: this.storage,
    });
    return parts.of(m.key.id, m.message);
  }
}
