import type { BaileysEventMap, WASocket } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { Json } from '@gw/messages';
import type { EngineEvent } from '../whatsapp-engine.port';
import type { Baileys } from './baileys.loader';
import {
  toEngineCall,
  toEngineChat,
  toEngineContact,
  toEngineLabel,
  toEngineParticipant,
  toEnginePresence,
} from './chat-contact.translator';
import { toEngineMessage, toKey, toMessageUpdate, toReceiptUpdate } from './message.translator';
import { toPlainJson } from './proto-json.util';

type Emit = (event: EngineEvent) => void;

/**
 * The edge where Baileys events become engine events. Each event is translated on its
 * own, so one malformed item is logged and skipped without dropping the rest of a batch.
 */
export function translateBaileysEvents(baileys: Baileys, ev: WASocket['ev'], emit: Emit, logger: Logger): void {
  ev.process(async (events) => {
    for (const [name, payload] of Object.entries(events) as [keyof BaileysEventMap, unknown][]) {
      try {
        translate(baileys, name, payload, emit);
      } catch (err) {
        logger.error({ err, event: name }, 'could not translate WhatsApp event');
      }
    }
  });
}

function eachSafely<T, R>(items: T[], map: (item: T) => R): R[] {
  const out: R[] = [];
  for (const item of items) {
    try {
      out.push(map(item));
    } catch {
      // a single malformed item must not cost the others their delivery
    }
  }
  return out;
}

function translate(baileys: Baileys, name: keyof BaileysEventMap, payload: unknown, emit: Emit): void {
  switch (name) {
    case 'messages.upsert': {
      const { messages, type } = payload as BaileysEventMap['messages.upsert'];
      const list = eachSafely(messages, (m) => toEngineMessage(baileys, m));
      if (list.length) emit({ type: 'messages', messages: list, origin: type === 'notify' ? 'notify' : 'append' });
      return;
    }
    case 'messages.update': {
      const updates = eachSafely(payload as BaileysEventMap['messages.update'], (u) => toMessageUpdate(baileys, u));
      if (updates.length) emit({ type: 'message-updates', updates });
      return;
    }
    case 'message-receipt.update': {
      const updates = eachSafely(payload as BaileysEventMap['message-receipt.update'], toReceiptUpdate);
      if (updates.length) emit({ type: 'message-updates', updates });
      return;
    }
    case 'messages.delete': {
      const del = payload as BaileysEventMap['messages.delete'];
      if ('keys' in del) emit({ type: 'messages-deleted', keys: del.keys.map(toKey) });
      return;
    }
    case 'messaging-history.set': {
      const h = payload as BaileysEventMap['messaging-history.set'];
      if (h.lidPnMappings?.length) emit({ type: 'lid-mapping', mappings: h.lidPnMappings });
      emit({
        type: 'history',
        batch: {
          chats: eachSafely(h.chats, toEngineChat),
          contacts: eachSafely(h.contacts, toEngineContact),
          messages: eachSafely(h.messages, (m) => toEngineMessage(baileys, m)),
          syncType: h.syncType !== undefined && h.syncType !== null ? baileys.proto.HistorySync.HistorySyncType[h.syncType] : undefined,
          isLatest: h.isLatest,
          progress: h.progress ?? null,
        },
      });
      return;
    }
    case 'chats.upsert':
      emit({ type: 'chats', action: 'upsert', chats: eachSafely(payload as BaileysEventMap['chats.upsert'], toEngineChat) });
      return;
    case 'chats.update':
      emit({ type: 'chats', action: 'update', chats: eachSafely(payload as BaileysEventMap['chats.update'], toEngineChat) });
      return;
    case 'chats.delete':
      emit({ type: 'chats-deleted', ids: payload as string[] });
      return;
    case 'contacts.upsert':
    case 'contacts.update':
      emit({
        type: 'contacts',
        action: name === 'contacts.upsert' ? 'upsert' : 'update',
        contacts: eachSafely(payload as BaileysEventMap['contacts.update'], toEngineContact),
      });
      return;
    case 'presence.update':
      emit({ type: 'presence', presence: toEnginePresence(payload as BaileysEventMap['presence.update']) });
      return;
    case 'groups.upsert':
    case 'groups.update':
      emit({
        type: 'groups',
        action: name === 'groups.upsert' ? 'upsert' : 'update',
        groups: (payload as object[]).map((g) => toPlainJson(g) as Json),
      });
      return;
    case 'group-participants.update': {
      const g = payload as BaileysEventMap['group-participants.update'];
      emit({
        type: 'group-participants',
        groupId: g.id,
        author: g.authorPn ?? g.author,
        participants: g.participants.map(toEngineParticipant),
        action: g.action,
      });
      return;
    }
    case 'call':
      emit({ type: 'calls', calls: eachSafely(payload as BaileysEventMap['call'], toEngineCall) });
      return;
    case 'labels.edit':
      emit({ type: 'label-edit', label: toEngineLabel(payload as BaileysEventMap['labels.edit']) });
      return;
    case 'labels.association': {
      const { association, type } = payload as BaileysEventMap['labels.association'];
      emit({
        type: 'label-association',
        association: {
          type,
          chatId: association.chatId,
          labelId: association.labelId,
          ...('messageId' in association ? { messageId: association.messageId } : {}),
        },
      });
      return;
    }
    case 'lid-mapping.update': {
      const m = payload as BaileysEventMap['lid-mapping.update'];
      emit({ type: 'lid-mapping', mappings: [m] });
      return;
    }
    default:
      return; // connection.update and creds.update are handled by the session itself
  }
}
