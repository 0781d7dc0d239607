import type { EngineChat, EngineContact } from '@gw/whatsapp';

export interface ChatUpsertData {
  remoteJid: string;
  instanceId: string;
  name: string | null;
  unreadMessages: number;
}

export interface ChatUpdateData {
  remoteJid: string;
  instanceId: string;
  name?: string;
  unreadMessages?: number;
  archived?: boolean;
}

export interface ChatSetData {
  remoteJid: string;
  instanceId: string;
  name: string | null;
}

/** CONTACTS_UPSERT / UPDATE / SET item. */
export interface ContactData {
  remoteJid: string;
  remoteJidAlt?: string;
  pushName: string | null;
  profilePicUrl: string | null;
  instanceId: string;
}

export const chatUpsertPayload = (c: EngineChat, instanceId: string): ChatUpsertData => ({
  remoteJid: c.id,
  instanceId,
  name: c.name ?? null,
  unreadMessages: c.unreadCount ?? 0,
});

export const chatUpdatePayload = (c: EngineChat, instanceId: string): ChatUpdateData => ({
  remoteJid: c.id,
  instanceId,
  ...(c.name !== undefined ? { name: c.name } : {}),
  ...(c.unreadCount !== undefined ? { unreadMessages: c.unreadCount } : {}),
  ...(c.archived !== undefined ? { archived: c.archived } : {}),
});

export const chatSetPayload = (c: EngineChat, instanceId: string): ChatSetData => ({ remoteJid: c.id, instanceId, name: c.name ?? null });

/** CONTACTS_UPSERT / UPDATE / SET item. `remoteJidAlt` carries the other addressing (LID <-> phone). */
export function contactPayload(c: EngineContact, instanceId: string): ContactData {
  const lidAddressed = c.id.endsWith('@lid');
  const alt = lidAddressed ? c.phoneNumber : c.lid;
  return {
    remoteJid: c.id,
    ...(alt ? { remoteJidAlt: alt } : {}),
    pushName: c.notify ?? c.name ?? c.verifiedName ?? null,
    profilePicUrl: c.imgUrl ?? null,
    instanceId,
  };
}
