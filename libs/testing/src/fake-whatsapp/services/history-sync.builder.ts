import { deflateSync } from 'node:zlib';
import type { proto } from '@whiskeysockets/baileys';
import type { BaileysModule } from '../protocol/baileys.loader';
import type { HistorySyncInput, HistorySyncTypeName } from '../fake-messaging.types';
import type { PhoneSignal } from '../registries/peer-signal.registry';

/**
 * What a primary phone sends its companions to sync them (as category="peer" messages):
 * HISTORY_SYNC_NOTIFICATIONs and the APP_STATE_SYNC_KEY_SHARE. The history itself travels
 * inline (`initialHistBootstrapInlinePayload`, a zlib-deflated HistorySync; v7 announces
 * support with inlineInitialPayloadInE2EeMsg) so no media download is needed.
 *
 * Baileys (Utils/history.js) turns conversations into chats + contacts {id, name} and
 * their messages into messages; push names only count in a PUSH_NAME sync, so contacts
 * go out as a second notification of that type.
 */
export function buildHistorySyncMessages(baileys: BaileysModule, input: HistorySyncInput): proto.IMessage[] {
  const { proto } = baileys;
  const syncType = toSyncType(baileys, input.syncType ?? 'RECENT');
  const progress = input.progress ?? 100;
  const out: proto.IMessage[] = [];
  const hasConversations = (input.chats?.length ?? 0) > 0 || (input.messages?.length ?? 0) > 0;
  if (hasConversations || !input.contacts?.length) {
    out.push(notification(baileys, { syncType, progress, chunkOrder: 0, conversations: conversations(baileys, input) }));
  }
  if (input.contacts?.length) {
    const pushnames = input.contacts.map((c) => ({ id: c.id, pushname: c.notify ?? c.pushName ?? '' }));
    out.push(notification(baileys, { syncType: proto.HistorySync.HistorySyncType.PUSH_NAME, progress, chunkOrder: out.length, pushnames }));
  }
  return out;
}

/** the account's app-state sync key for its companions; Baileys stores it as myAppStateKeyId */
export function buildAppStateKeyShare(baileys: BaileysModule, phone: PhoneSignal): proto.IMessage {
  const { keyId, keyData, timestamp } = phone.appStateKey;
  return {
    protocolMessage: {
      type: baileys.proto.Message.ProtocolMessage.Type.APP_STATE_SYNC_KEY_SHARE,
      appStateSyncKeyShare: {
        keys: [{ keyId: { keyId }, keyData: { keyData, fingerprint: { rawId: 1, currentIndex: 0, deviceIndexes: [0] }, timestamp } }],
      },
    },
  };
}

function notification(baileys: BaileysModule, sync: proto.IHistorySync): proto.IMessage {
  const { proto } = baileys;
  const raw = proto.HistorySync.encode(proto.HistorySync.fromObject(sync as Record<string, unknown>)).finish();
  return {
    protocolMessage: {
      type: proto.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION,
      historySyncNotification: {
        syncType: sync.syncType,
        chunkOrder: sync.chunkOrder,
        progress: sync.progress,
        fileLength: raw.length,
        initialHistBootstrapInlinePayload: deflateSync(raw),
      },
    },
  };
}

function conversations(baileys: BaileysModule, input: HistorySyncInput): Record<string, unknown>[] {
  const byChat = new Map<string, Record<string, unknown> & { messages: Record<string, unknown>[] }>();
  for (const chat of input.chats ?? []) byChat.set(chat.id, { ...chat, messages: [] });
  (input.messages ?? []).forEach((message, index) => {
    const chatId = message.key.remoteJid;
    let chat = byChat.get(chatId);
    if (!chat) {
      chat = { id: chatId, messages: [] };
      byChat.set(chatId, chat);
    }
    const info = baileys.proto.WebMessageInfo.fromObject({ ...message, key: { fromMe: false, ...message.key } });
    chat.messages.push({ message: info.toJSON(), msgOrderId: index + 1 });
  });
  return [...byChat.values()];
}

function toSyncType(baileys: BaileysModule, name: HistorySyncTypeName): proto.HistorySync.HistorySyncType {
  const value = baileys.proto.HistorySync.HistorySyncType[name];
  if (value === undefined) throw new Error(`unknown history sync type '${String(name)}'`);
  return value;
}
