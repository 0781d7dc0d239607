import type { Chat, ChatUpdate, Contact, GroupParticipant, PresenceData, WACallEvent } from '@whiskeysockets/baileys';
import type { Label } from '@whiskeysockets/baileys/lib/Types/Label';
import type {
  EngineCall,
  EngineChat,
  EngineContact,
  EngineGroupParticipant,
  EngineLabel,
  EnginePresence,
} from '@gw/messages';
import { toNumber } from './proto-json.util';

const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;

export function toEngineChat(chat: Chat | ChatUpdate): EngineChat {
  return defined({
    id: chat.id ?? '',
    name: chat.name ?? undefined,
    unreadCount: chat.unreadCount ?? undefined,
    conversationTimestamp: chat.conversationTimestamp ? toNumber(chat.conversationTimestamp) : undefined,
    lastInboundAt: newestInbound(chat),
    archived: chat.archived ?? undefined,
    pinned: chat.pinned ? toNumber(chat.pinned) : undefined,
    muteEndTime: chat.muteEndTime ? toNumber(chat.muteEndTime) : undefined,
  });
}

/**
 * Baileys puts the message a live chat update is for in `messages`; the newest one from the other
 * side (with content, not protocol bookkeeping) is what the store's activity touch would write.
 */
function newestInbound(chat: Chat | ChatUpdate): number | undefined {
  let newest: number | undefined;
  for (const entry of chat.messages ?? []) {
    const m = entry?.message;
    if (!m || m.key?.fromMe !== false || !m.message || m.message.protocolMessage || !m.messageTimestamp) continue;
    const ts = toNumber(m.messageTimestamp);
    if (ts && (newest === undefined || ts > newest)) newest = ts;
  }
  return newest;
}

export function toEngineContact(contact: Partial<Contact>): EngineContact {
  return defined({
    id: contact.id ?? '',
    lid: contact.lid,
    phoneNumber: contact.phoneNumber,
    name: contact.name,
    notify: contact.notify,
    verifiedName: contact.verifiedName,
    imgUrl: contact.imgUrl === 'changed' ? undefined : contact.imgUrl,
  });
}

export function toEnginePresence(update: { id: string; presences: { [p: string]: PresenceData } }): EnginePresence {
  const presences: EnginePresence['presences'] = {};
  for (const [jid, p] of Object.entries(update.presences)) {
    presences[jid] = defined({ lastKnownPresence: p.lastKnownPresence, lastSeen: p.lastSeen ?? undefined });
  }
  return { chatId: update.id, presences };
}

/** Baileys 6 gave participant ids as strings, 7 gives objects; both become objects here. */
export function toEngineParticipant(p: GroupParticipant | string): EngineGroupParticipant {
  if (typeof p === 'string') return { id: p };
  return { ...defined({ id: p.id, phoneNumber: p.phoneNumber, lid: p.lid }), admin: p.admin ?? null };
}

export function toEngineCall(call: WACallEvent): EngineCall {
  return defined({
    id: call.id,
    chatId: call.chatId,
    from: call.from,
    date: (call.date instanceof Date ? call.date : new Date(call.date)).toISOString(),
    offline: call.offline,
    status: call.status,
    isVideo: call.isVideo,
    isGroup: call.isGroup,
    groupJid: call.groupJid,
  });
}

export function toEngineLabel(label: Label): EngineLabel {
  return defined({
    id: label.id,
    name: label.name,
    color: label.color,
    deleted: !!label.deleted,
    predefinedId: label.predefinedId,
  });
}
