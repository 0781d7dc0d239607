import { messageRecord } from '@gw/events';
import type { ChatRow, ContactRow, MessageUpdateRow, StoredMessageRow } from '@gw/store';
import type { EngineMessage, MessageStatus } from '@gw/whatsapp';

/** Evolution v2 response shapes of the find routes, built from store rows. */

const DAY_S = 24 * 3600;

/** findMessages record: the webhook record of the message plus its id and status history. */
export function messageView(row: StoredMessageRow) {
  const engine: EngineMessage = {
    key: row.key,
    pushName: row.pushName ?? undefined,
    message: row.message,
    messageType: row.messageType,
    messageTimestamp: Number(row.messageTimestamp),
    status: row.status as MessageStatus,
    source: row.source,
  };
  const { key, pushName, messageType, message, messageTimestamp, instanceId, source, contextInfo, status } = messageRecord(engine, row.instanceId);
  return { id: row.id, key, pushName, messageType, message, messageTimestamp, instanceId, source, contextInfo, status, MessageUpdate: row.updates };
}

/** findChats item. The 24 h window starts at the contact's last message. */
export function chatView(row: ChatRow, instanceId: string, now = Date.now()) {
  const windowStart = row.lastInboundAt ? Number(row.lastInboundAt) : null;
  const windowExpires = windowStart ? windowStart + DAY_S : null;
  const last = row.lastMessage;
  return {
    id: row.id,
    remoteJid: row.remoteJid,
    name: row.name ?? row.contactName ?? null,
    pushName: row.pushName ?? row.name ?? null,
    profilePicUrl: row.profilePicUrl ?? null,
    labels: [],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    windowStart: windowStart ? new Date(windowStart * 1000) : null,
    windowExpires: windowExpires ? new Date(windowExpires * 1000) : null,
    windowActive: windowExpires ? windowExpires * 1000 > now : false,
    lastMessage: last ? lastMessageView(last, instanceId) : null,
    unreadCount: row.unreadCount ?? 0,
    unreadMessages: row.unreadCount ?? 0,
    archived: row.archived ?? false,
    isSaved: !!row.contactName,
  };
}

function lastMessageView(last: Record<string, unknown>, instanceId: string) {
  const view = messageView({
    id: last.id as string,
    keyId: '',
    key: last.key as StoredMessageRow['key'],
    pushName: (last.pushName as string | null) ?? null,
    messageType: last.messageType as string,
    message: (last.message as StoredMessageRow['message']) ?? null,
    messageTimestamp: BigInt(last.messageTimestamp as number),
    status: last.status as string,
    source: last.source as string,
    instanceId,
    updates: [],
  });
  const { MessageUpdate: _updates, ...rest } = view;
  return { ...rest, participant: (last.participant as string | null) ?? null };
}

/** findContacts item; `type` tells contacts, groups and JIDs only seen in groups apart. */
export function contactView(row: ContactRow) {
  return {
    id: row.id,
    remoteJid: row.remoteJid,
    pushName: row.pushName ?? row.name ?? null,
    profilePicUrl: row.profilePicUrl,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    instanceId: row.instanceId,
    isGroup: row.kind === 'group',
    isSaved: !!row.name,
    type: row.kind,
    ...(row.lid ? { lid: row.lid } : {}),
    ...(row.phoneNumber ? { phoneNumber: row.phoneNumber } : {}),
  };
}

/** findStatusMessage item (Evolution's MessageUpdate row). */
export function statusView(row: MessageUpdateRow) {
  return {
    id: row.id,
    keyId: row.keyId,
    remoteJid: row.remoteJid,
    fromMe: row.fromMe,
    participant: row.participant || null,
    pollUpdates: row.pollUpdates,
    status: row.status,
    messageId: row.messageId,
    instanceId: row.instanceId,
    createdAt: row.createdAt,
  };
}
