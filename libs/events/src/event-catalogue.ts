/**
 * The webhook event catalogue: subscription name (UPPER_SNAKE), wire `event` value,
 * URL suffix for by-events routing and the global env switch, as in Evolution v2.
 */
export const EVENT_WIRE_NAMES = {
  APPLICATION_STARTUP: 'application.startup',
  INSTANCE_CREATE: 'instance.create',
  INSTANCE_DELETE: 'instance.delete',
  QRCODE_UPDATED: 'qrcode.updated',
  CONNECTION_UPDATE: 'connection.update',
  STATUS_INSTANCE: 'status.instance',
  MESSAGES_SET: 'messages.set',
  MESSAGES_UPSERT: 'messages.upsert',
  MESSAGES_EDITED: 'messages.edited',
  MESSAGES_UPDATE: 'messages.update',
  MESSAGES_DELETE: 'messages.delete',
  SEND_MESSAGE: 'send.message',
  SEND_MESSAGE_UPDATE: 'send.message.update',
  CONTACTS_SET: 'contacts.set',
  CONTACTS_UPSERT: 'contacts.upsert',
  CONTACTS_UPDATE: 'contacts.update',
  PRESENCE_UPDATE: 'presence.update',
  CHATS_SET: 'chats.set',
  CHATS_UPSERT: 'chats.upsert',
  CHATS_UPDATE: 'chats.update',
  CHATS_DELETE: 'chats.delete',
  GROUPS_UPSERT: 'groups.upsert',
  GROUPS_UPDATE: 'groups.update',
  GROUP_PARTICIPANTS_UPDATE: 'group-participants.update',
  CALL: 'call',
  LABELS_EDIT: 'labels.edit',
  LABELS_ASSOCIATION: 'labels.association',
  NEW_TOKEN: 'new.token',
  LOGOUT_INSTANCE: 'logout.instance',
  REMOVE_INSTANCE: 'remove.instance',
  /** Evolution's chatbot events: subscribable (the n8n node offers them), never sent (no chatbots here). */
  TYPEBOT_START: 'typebot.start',
  TYPEBOT_CHANGE_STATUS: 'typebot.change-status',
  /** Gateway extra: a webhook was switched off (410 Gone, or failing for too long). */
  WEBHOOK_DISABLED: 'webhook.disabled',
} as const;

export type EventName = keyof typeof EVENT_WIRE_NAMES;
export const EVENT_NAMES = Object.keys(EVENT_WIRE_NAMES) as EventName[];

/** Legacy subscription spellings accepted on input and mapped to our names. */
export const EVENT_ALIASES: Record<string, EventName> = { GROUP_UPDATE: 'GROUPS_UPDATE' };

export function wireName(name: EventName): string {
  return EVENT_WIRE_NAMES[name];
}

/** `messages.upsert` -> `messages-upsert`, `group-participants.update` -> `group-participants-update`. */
export function urlSuffix(name: EventName): string {
  return wireName(name).replace(/[._]/g, '-').toLowerCase();
}

/** Normalises a subscription name (accepts aliases); undefined when unknown. */
export function parseEventName(raw: string): EventName | undefined {
  const upper = raw.trim().toUpperCase();
  if (upper in EVENT_WIRE_NAMES) return upper as EventName;
  return EVENT_ALIASES[upper];
}

/** Operational events reach the global webhook unless their switch is explicitly false. */
export const GLOBAL_BY_DEFAULT: ReadonlySet<EventName> = new Set<EventName>(['WEBHOOK_DISABLED']);

/** Env switch names that enable an event for the global webhook (GROUPS_UPDATE also reads GROUP_UPDATE). */
export function globalSwitchNames(name: EventName): string[] {
  return [name, ...Object.entries(EVENT_ALIASES).filter(([, v]) => v === name).map(([k]) => k)];
}
