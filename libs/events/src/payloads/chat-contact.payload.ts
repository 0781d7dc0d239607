import type { EngineChat, EngineContact } from '@gw/whatsapp';

export const chatUpsertPayload = (c: EngineChat, instanceId: string) => ({
  remoteJid: c.id,
  instanceId,
  name: c.name ?? null,
  unreadMessages: c.unreadCount ?? 0,
});

export const chatUpdatePayload = (c: EngineChat, instanceId: string) => ({
  remoteJid: c.id,
  instanceId,
  ...(c.name !== undefined ? { name: c.name } : {}),
  ...(c.unreadCount !== undefined ? { unreadMessages: c.unreadCount } : {}),
  ...(c.archived !== undefined ? { archived: c.archived } : {}),
});

export const chatSetPayload = (c: EngineChat, instanceId: string) => ({ remoteJid: c.id, instanceId, name: c.name ?? null });

/** CONTACTS_UPSERT / UPDATE / SET item. `remoteJidAlt` carries the other addressing (LID <-> phone). */
export function contactPayload(c: EngineContact, instanceId: string) {
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
