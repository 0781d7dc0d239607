import { Logger } from '@nestjs/common';
import {
  EventName,
  chatSetPayload,
  chatUpdatePayload,
  chatUpsertPayload,
  chunkBySize,
  contactPayload,
  messageDeletePayload,
  messageEditedPayload,
  messageRecord,
  messageUpdatePayload,
} from '@gw/events';
import type { MessageRepository } from '@gw/persistence';
import type { EngineEvent, EngineMessage, HistoryBatch, MediaDownload, MessageUpdate } from '@gw/whatsapp';
import { LidDirectory } from './lid-directory';

export interface MapperDeps {
  instanceId: string;
  instanceName: string;
  publish: (name: EventName, data: unknown) => void;
  messages: MessageRepository;
  logger: Logger;
  /** Whether the instance webhook asks for media as base64 (webhookBase64). */
  wantsBase64: () => Promise<boolean>;
  downloadMedia: (messageId: string) => Promise<MediaDownload>;
}

/** protocolMessage types that are bookkeeping, never user-visible messages. */
const EDIT = 'MESSAGE_EDIT';

/**
 * Turns an instance's engine events (messages, receipts, chats, contacts, groups, presence,
 * calls, labels, history) into webhook events in Evolution v2's data shapes.
 */
export class InstanceEventMapper {
  readonly lids = new LidDirectory();

  constructor(private readonly deps: MapperDeps) {}

  async handle(event: EngineEvent): Promise<void> {
    const { instanceId, instanceName, publish } = this.deps;
    switch (event.type) {
      case 'messages':
        return this.onMessages(event.messages);
      case 'message-updates':
        return this.onUpdates(event.updates);
      case 'messages-deleted':
        for (const key of event.keys) publish('MESSAGES_DELETE', messageDeletePayload(this.lids.enrich(key)));
        return;
      case 'history':
        return this.onHistory(event.batch);
      case 'chats':
        if (!event.chats.length) return;
        if (event.action === 'upsert') publish('CHATS_UPSERT', event.chats.map((c) => chatUpsertPayload(c, instanceId)));
        else publish('CHATS_UPDATE', event.chats.map((c) => chatUpdatePayload(c, instanceId)));
        return;
      case 'chats-deleted':
        if (event.ids.length) publish('CHATS_DELETE', event.ids);
        return;
      case 'contacts':
        event.contacts.forEach((c) => this.lids.learnFromContact(c));
        if (event.contacts.length) {
          publish(
            event.action === 'upsert' ? 'CONTACTS_UPSERT' : 'CONTACTS_UPDATE',
            event.contacts.map((c) => contactPayload(c, instanceId)),
          );
        }
        return;
      case 'presence':
        publish('PRESENCE_UPDATE', { id: event.presence.chatId, presences: event.presence.presences });
        return;
      case 'groups':
        if (event.groups.length) publish(event.action === 'upsert' ? 'GROUPS_UPSERT' : 'GROUPS_UPDATE', event.groups);
        return;
      case 'group-participants': {
        for (const p of event.participants) this.lids.learn(p.id, p.phoneNumber);
        const jidOf = (p: { id: string; phoneNumber?: string }) => p.phoneNumber ?? this.lids.phoneFor(p.id) ?? p.id;
        publish('GROUP_PARTICIPANTS_UPDATE', {
          id: event.groupId,
          author: event.author ?? null,
          participants: event.participants.map(jidOf),
          action: event.action,
          participantsData: event.participants.map((p) => ({
            jid: p.id,
            phoneNumber: jidOf(p),
            ...(p.admin !== undefined ? { admin: p.admin } : {}),
          })),
        });
        return;
      }
      case 'calls':
        for (const call of event.calls) publish('CALL', call);
        return;
      case 'label-edit':
        publish('LABELS_EDIT', { ...event.label, instance: instanceName });
        return;
      case 'label-association':
        publish('LABELS_ASSOCIATION', { instance: instanceName, ...event.association });
        return;
      case 'lid-mapping':
        for (const m of event.mappings) this.lids.learn(m.lid, m.pn);
        return;
      default:
        return;
    }
  }

  private prepare(m: EngineMessage): EngineMessage {
    this.lids.learnFromKey(m.key);
    const key = this.lids.enrich(m.key);
    const alt = key.participantAlt ?? key.remoteJidAlt;
    return { ...m, key, senderPn: m.senderPn ?? (alt?.endsWith('@s.whatsapp.net') ? alt : undefined) };
  }

  private async onMessages(batch: EngineMessage[]) {
    const { instanceId, publish } = this.deps;
    // A message that could not be decrypted yet (CIPHERTEXT stub) is not stored or sent: WhatsApp
    // resends it after Baileys' retry receipt, and storing the stub would swallow the real one.
    const messages = batch.map((m) => this.prepare(m)).filter((m) => !(m.messageStubType === 'CIPHERTEXT' && !m.message));
    const visible = messages.filter((m) => m.messageType !== 'protocolMessage');
    // Stored first: the unique key makes WhatsApp's redeliveries and our replays idempotent.
    const fresh = await this.store(visible);
    for (const m of messages) {
      if (m.messageType === 'protocolMessage') {
        if ((m.message?.protocolMessage as { type?: string } | undefined)?.type === EDIT) {
          publish('MESSAGES_EDITED', messageEditedPayload(m));
        }
        continue; // other protocol messages (key shares, history notices, revokes) are not messages
      }
      if (!fresh.has(m.key.id)) continue;
      const record = messageRecord(m, instanceId);
      if (m.hasMedia && record.message && (await this.deps.wantsBase64())) {
        Object.assign(record.message, await this.base64Of(m.key.id));
      }
      publish('MESSAGES_UPSERT', record);
    }
  }

  /** `{base64}` with the decrypted media, or `{base64: null, base64Omitted}` saying why not. */
  private async base64Of(messageId: string): Promise<Record<string, unknown>> {
    const media = await this.deps.downloadMedia(messageId);
    if (media.ok) return { base64: media.data.toString('base64') };
    const { ok: _ok, ...why } = media;
    return { base64: null, base64Omitted: why };
  }

  /** Stores and returns the ids never seen before; if the store fails, delivering beats deduplicating. */
  private async store(messages: EngineMessage[]): Promise<{ has(id: string): boolean }> {
    try {
      return await this.deps.messages.insertNew(this.deps.instanceId, messages);
    } catch (err) {
      this.deps.logger.error(`instance ${this.deps.instanceName}: could not store messages: ${(err as Error).message}`);
      return { has: () => true };
    }
  }

  private async onUpdates(updates: MessageUpdate[]) {
    const { instanceId, publish, messages } = this.deps;
    for (const raw of updates) {
      const u = { ...raw, key: this.lids.enrich(raw.key) };
      // A receipt for a message we never stored is still delivered (Evolution drops it).
      const messageId = await messages.updateStatus(instanceId, u.key.id, u.status).catch(() => undefined);
      if (u.revoked) publish('MESSAGES_DELETE', messageDeletePayload(u.key));
      else publish('MESSAGES_UPDATE', messageUpdatePayload(u, instanceId, messageId));
    }
  }

  private async onHistory(batch: HistoryBatch) {
    const { instanceId, publish } = this.deps;
    batch.contacts.forEach((c) => this.lids.learnFromContact(c));
    const messages = batch.messages.map((m) => this.prepare(m)).filter((m) => m.messageType !== 'protocolMessage');
    // Only what was never sent before: history overlaps live messages and earlier syncs.
    const fresh = await this.store(messages);
    const records = messages.filter((m) => fresh.has(m.key.id)).map((m) => messageRecord(m, instanceId));
    for (const chunk of chunkBySize(batch.chats.map((c) => chatSetPayload(c, instanceId)))) publish('CHATS_SET', chunk);
    for (const chunk of chunkBySize(batch.contacts.map((c) => contactPayload(c, instanceId)))) publish('CONTACTS_SET', chunk);
    for (const chunk of chunkBySize(records)) publish('MESSAGES_SET', chunk);
  }
}
