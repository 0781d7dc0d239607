import type { Logger } from '@nestjs/common';
import {
  CataloguePublisher,
  callPayload,
  chatSetPayload,
  chatUpdatePayload,
  chatUpsertPayload,
  chatsDeletePayload,
  chunkBySize,
  contactPayload,
  groupParticipantsPayload,
  groupsPayload,
  labelAssociationPayload,
  labelEditPayload,
  messageDeletePayload,
  messageEditedPayload,
  messageRecord,
  messageUpdatePayload,
  presencePayload,
} from '@gw/events';
import type { EngineChat, EngineContact, EngineEvent, EngineMessage, HistoryBatch, MessageUpdate } from '@gw/whatsapp';
import { FirstSight, KnownJidsSource } from './first-sight';
import { MediaParts } from './media-parts';
import { StoredFacts, isProtocol, isUndecrypted } from './store.stage';

export interface MapperDeps {
  instanceId: string;
  instanceName: string;
  logger: Logger;
  media: MediaParts;
  /** The store's contacts and chats; without it (no message store) there are no first-sight upserts. */
  known?: KnownJidsSource;
}

const EDIT = 'MESSAGE_EDIT';
const STATUS_BROADCAST = 'status@broadcast';
const PERSON_JID = /@(s\.whatsapp\.net|lid)$/;

/**
 * Fourth stage: turns an instance's engine events (messages, receipts, chats, contacts, groups,
 * presence, calls, labels, history) into catalogue events in Evolution v2's shapes, every
 * payload made by a libs/events builder, and hands them to the publish stage.
 */
export class CatalogueMapper {
  private readonly firstSight?: FirstSight;

  constructor(private readonly deps: MapperDeps) {
    if (deps.known) this.firstSight = new FirstSight(deps.instanceId, deps.known, deps.logger);
  }

  async map(event: EngineEvent, stored: StoredFacts, out: CataloguePublisher): Promise<void> {
    const { instanceId, instanceName } = this.deps;
    switch (event.type) {
      case 'messages':
        return this.onMessages(event.messages, stored, out);
      case 'message-updates':
        return this.onUpdates(event.updates, stored, out);
      case 'messages-deleted':
        for (const key of event.keys) out.publish('MESSAGES_DELETE', messageDeletePayload(key));
        return;
      case 'history':
        return this.onHistory(event.batch, stored, out);
      case 'chats':
        return this.onChats(event.action, event.chats, out);
      case 'chats-deleted':
        this.firstSight?.forgetChats(event.ids);
        if (event.ids.length) out.publish('CHATS_DELETE', chatsDeletePayload(event.ids));
        return;
      case 'contacts':
        this.firstSight?.remember('contacts', event.contacts.flatMap(jidsOf));
        if (event.contacts.length) {
          out.publish(event.action === 'upsert' ? 'CONTACTS_UPSERT' : 'CONTACTS_UPDATE', event.contacts.map((c) => contactPayload(c, instanceId)));
        }
        return;
      case 'presence':
        out.publish('PRESENCE_UPDATE', presencePayload(event.presence));
        return;
      case 'groups':
        if (event.groups.length) out.publish(event.action === 'upsert' ? 'GROUPS_UPSERT' : 'GROUPS_UPDATE', groupsPayload(event.groups));
        return;
      case 'group-participants': {
        // the addressing stage put the phone number it knows on each participant
        const participants = event.participants.map((p) => ({ id: p.id, phoneNumber: p.phoneNumber ?? p.id, admin: p.admin }));
        out.publish('GROUP_PARTICIPANTS_UPDATE', groupParticipantsPayload(event.groupId, event.author, participants, event.action));
        return;
      }
      case 'calls':
        for (const call of event.calls) out.publish('CALL', callPayload(call));
        return;
      case 'label-edit':
        out.publish('LABELS_EDIT', labelEditPayload(event.label, instanceName));
        return;
      case 'label-association':
        out.publish('LABELS_ASSOCIATION', labelAssociationPayload(event.association, instanceName));
        return;
      default:
        return;
    }
  }

  private async onMessages(batch: EngineMessage[], stored: StoredFacts, out: CataloguePublisher) {
    const { instanceId } = this.deps;
    // An undecrypted stub is not sent: WhatsApp resends the message after Baileys' retry receipt.
    const messages = batch.filter((m) => !isUndecrypted(m));
    const newContacts = await this.introduce(
      messages.filter((m) => !isProtocol(m) && stored.isNew(m.key.id)),
      out,
    );
    for (const m of messages) {
      if (isProtocol(m)) {
        if ((m.message?.protocolMessage as { type?: string } | undefined)?.type === EDIT) {
          out.publish('MESSAGES_EDITED', messageEditedPayload(m));
        }
        continue; // other protocol messages (key shares, history notices, revokes) are not messages
      }
      if (!stored.isNew(m.key.id)) continue;
      const record = messageRecord(m, instanceId);
      if (m.hasMedia && record.message) Object.assign(record.message, await this.deps.media.of(m, record.message));
      out.publish('MESSAGES_UPSERT', record);
      // Evolution's message path: a contact's first message brings one CONTACTS_UPSERT (an object, not a list).
      if (!m.key.fromMe && newContacts.delete(m.key.remoteJid)) {
        out.publish('CONTACTS_UPSERT', contactPayload(contactOf(m), instanceId));
      }
    }
  }

  /**
   * First appearances among new messages: CHATS_UPSERT now, before the messages and any
   * CHATS_UPDATE of those chats; returns the contacts whose first message this is.
   */
  private async introduce(messages: EngineMessage[], out: CataloguePublisher): Promise<Set<string>> {
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
      out.publish('CHATS_UPSERT', [...newChats].map((id) => chatUpsertPayload(chats.get(id)!, this.deps.instanceId)));
    }
    const people = messages.filter((m) => !m.key.fromMe && PERSON_JID.test(m.key.remoteJid));
    return this.firstSight.claimContacts(people.map((m) => jidsOf(contactOf(m))));
  }

  /** A chat event for a chat never seen before goes out as CHATS_UPSERT (Evolution's order), the rest as sent. */
  private async onChats(action: 'upsert' | 'update', chats: EngineChat[], out: CataloguePublisher) {
    const { instanceId } = this.deps;
    if (!chats.length) return;
    if (action === 'upsert' || !this.firstSight) {
      this.firstSight?.remember('chats', chats.map((c) => c.id));
      if (action === 'upsert') out.publish('CHATS_UPSERT', chats.map((c) => chatUpsertPayload(c, instanceId)));
      else out.publish('CHATS_UPDATE', chats.map((c) => chatUpdatePayload(c, instanceId)));
      return;
    }
    const fresh = await this.firstSight.claimChats(chats.map((c) => c.id));
    const first = chats.filter((c) => fresh.has(c.id));
    const known = chats.filter((c) => !fresh.has(c.id));
    if (first.length) out.publish('CHATS_UPSERT', first.map((c) => chatUpsertPayload(c, instanceId)));
    if (known.length) out.publish('CHATS_UPDATE', known.map((c) => chatUpdatePayload(c, instanceId)));
  }

  private onUpdates(updates: MessageUpdate[], stored: StoredFacts, out: CataloguePublisher) {
    const { instanceId } = this.deps;
    for (const u of updates) {
      if (u.revoked) out.publish('MESSAGES_DELETE', messageDeletePayload(u.key));
      else out.publish('MESSAGES_UPDATE', messageUpdatePayload(u, instanceId, stored.rowIdOf(u.key.id)));
    }
  }

  private onHistory(batch: HistoryBatch, stored: StoredFacts, out: CataloguePublisher) {
    const { instanceId } = this.deps;
    this.firstSight?.remember('contacts', batch.contacts.flatMap(jidsOf));
    this.firstSight?.remember('chats', [...batch.chats.map((c) => c.id), ...batch.messages.map((m) => m.key.remoteJid)]);
    // Only what was never sent before: history overlaps live messages and earlier syncs.
    const records = batch.messages.filter((m) => !isProtocol(m) && stored.isNew(m.key.id)).map((m) => messageRecord(m, instanceId));
    for (const chunk of chunkBySize(batch.chats.map((c) => chatSetPayload(c, instanceId)))) out.publish('CHATS_SET', chunk);
    for (const chunk of chunkBySize(batch.contacts.map((c) => contactPayload(c, instanceId)))) out.publish('CONTACTS_SET', chunk);
    for (const chunk of chunkBySize(records)) out.publish('MESSAGES_SET', chunk);
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
