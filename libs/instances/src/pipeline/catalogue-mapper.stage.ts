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
import type { EngineChat, EngineContact, EngineEvent, EngineMessage, HistoryBatch, MediaDownload, MessageUpdate } from '@gw/whatsapp';
import { FirstSight, KnownJidsSource } from './first-sight';
import { LidDirectory } from './lid-directory';
import { MediaKeeper, MediaParts } from './media-parts';

export interface MapperDeps {
  instanceId: string;
  instanceName: string;
  publish: (name: EventName, data: unknown) => void;
  messages: MessageRepository;
  logger: Logger;
  /** Whether the instance webhook asks for media as base64 (webhookBase64). */
  wantsBase64: () => Promise<boolean>;
  base64MaxBytes: number;
  downloadMedia: (messageId: string, maxBytes: number) => Promise<MediaDownload>;
  /** Media storage (S3 or the gateway's disk): records then carry mediaUrl. */
  storage?: MediaKeeper;
  /** The store's contacts and chats; without it (no message store) there are no first-sight upserts. */
  known?: KnownJidsSource;
}

/** protocolMessage types that are bookkeeping, never user-visible messages. */
const EDIT = 'MESSAGE_EDIT';
const STATUS_BROADCAST = 'status@broadcast';
const PERSON_JID = /@(s\.whatsapp\.net|lid)$/;

/**
 * Turns an instance's engine events (messages, receipts, chats, contacts, groups, presence,
 * calls, labels, history) into webhook events in Evolution v2's data shapes.
 */
export class InstanceEventMapper {
  readonly lids = new LidDirectory();
  private readonly firstSight?: FirstSight;
  private readonly media: MediaParts;

  constructor(private readonly deps: MapperDeps) {
    this.media = new MediaParts(deps);
    if (deps.known) this.firstSight = new FirstSight(deps.instanceId, deps.known, deps.logger);
  }

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
        return this.onChats(event.action, event.chats);
      case 'chats-deleted':
        this.firstSight?.forgetChats(event.ids);
        if (event.ids.length) publish('CHATS_DELETE', event.ids);
        return;
      case 'contacts':
        event.contacts.forEach((c) => this.lids.learnFromContact(c));
        this.firstSight?.remember('contacts', event.contacts.flatMap(jidsOf));
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
    const newContacts = await this.introduce(visible.filter((m) => fresh.has(m.key.id)));
    for (const m of messages) {
      if (m.messageType === 'protocolMessage') {
        if ((m.message?.protocolMessage as { type?: string } | undefined)?.type === EDIT) {
          publish('MESSAGES_EDITED', messageEditedPayload(m));
        }
        continue; // other protocol messages (key shares, history notices, revokes) are not messages
      }
      if (!fresh.has(m.key.id)) continue;
      const record = messageRecord(m, instanceId);
      if (m.hasMedia && record.message) Object.assign(record.message, await this.media.of(m.key.id, record.message));
      publish('MESSAGES_UPSERT', record);
      // Evolution's message path: a contact's first message brings one CONTACTS_UPSERT (an object, not a list).
      if (!m.key.fromMe && newContacts.delete(m.key.remoteJid)) {
        publish('CONTACTS_UPSERT', contactPayload(contactOf(m), instanceId));
      }
    }
  }

  /**
   * First appearances among new messages: CHATS_UPSERT now, before the messages and any
   * CHATS_UPDATE of those chats; returns the contacts whose first message this is.
   */
  private async introduce(messages: EngineMessage[]): Promise<Set<string>> {
    if (!this.firstSight || !messages.length) return new Set();
    const chats = new Map<string, EngineChat>();
    for (const m of messages) {
      if (m.key.remoteJid === STATUS_BROADCAST) continue;
      const chat = chats.get(m.key.remoteJid) ?? { id: m.key.remoteJid, unreadCount: 0 };
      if (!m.key.fromMe) {
        chat.unreadCount! += 1;
        if (m.pushName && PERSON_JID.test(chat.id)) chat.name = m.pushName;
      }
      chats.set(chat.id, chat);
    }
    const newChats = await this.firstSight.claimChats([...chats.keys()]);
    if (newChats.size) {
      this.deps.publish('CHATS_UPSERT', [...newChats].map((id) => chatUpsertPayload(chats.get(id)!, this.deps.instanceId)));
    }
    const people = messages.filter((m) => !m.key.fromMe && PERSON_JID.test(m.key.remoteJid));
    return this.firstSight.claimContacts(people.map((m) => jidsOf(contactOf(m))));
  }

  /** A chat event for a chat never seen before goes out as CHATS_UPSERT (Evolution's order), the rest as sent. */
  private async onChats(action: 'upsert' | 'update', chats: EngineChat[]) {
    const { instanceId, publish } = this.deps;
    if (!chats.length) return;
    if (action === 'upsert' || !this.firstSight) {
      this.firstSight?.remember('chats', chats.map((c) => c.id));
      if (action === 'upsert') publish('CHATS_UPSERT', chats.map((c) => chatUpsertPayload(c, instanceId)));
      else publish('CHATS_UPDATE', chats.map((c) => chatUpdatePayload(c, instanceId)));
      return;
    }
    const fresh = await this.firstSight.claimChats(chats.map((c) => c.id));
    const first = chats.filter((c) => fresh.has(c.id));
    const known = chats.filter((c) => !fresh.has(c.id));
    if (first.length) publish('CHATS_UPSERT', first.map((c) => chatUpsertPayload(c, instanceId)));
    if (known.length) publish('CHATS_UPDATE', known.map((c) => chatUpdatePayload(c, instanceId)));
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
    this.firstSight?.remember('contacts', batch.contacts.flatMap(jidsOf));
    this.firstSight?.remember('chats', [...batch.chats.map((c) => c.id), ...batch.messages.map((m) => m.key.remoteJid)]);
    const messages = batch.messages.map((m) => this.prepare(m)).filter((m) => m.messageType !== 'protocolMessage');
    // Only what was never sent before: history overlaps live messages and earlier syncs.
    const fresh = await this.store(messages);
    const records = messages.filter((m) => fresh.has(m.key.id)).map((m) => messageRecord(m, instanceId));
    for (const chunk of chunkBySize(batch.chats.map((c) => chatSetPayload(c, instanceId)))) publish('CHATS_SET', chunk);
    for (const chunk of chunkBySize(batch.contacts.map((c) => contactPayload(c, instanceId)))) publish('CONTACTS_SET', chunk);
    for (const chunk of chunkBySize(records)) publish('MESSAGES_SET', chunk);
  }
}

/** The sender of a 1:1 message as a contact, with its other addressing (LID <-> phone number). */
function contactOf(m: EngineMessage): EngineContact {
  const alt = m.key.remoteJidAlt;
  const lidAddressed = m.key.remoteJid.endsWith('@lid');
  return {
    id: m.key.remoteJid,
    ...(alt ? (lidAddressed ? { phoneNumber: alt } : { lid: alt }) : {}),
    ...(m.pushName ? { notify: m.pushName } : {}),
  };
}

const jidsOf = (c: EngineContact): string[] => [c.id, c.lid, c.phoneNumber].filter((j): j is string => !!j);
