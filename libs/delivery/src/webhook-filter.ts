import type { EventName, GatewayEvent } from '@gw/events';
import type { WebhookFilters } from '@gw/persistence';

export const CHAT_TYPES = ['individual', 'group', 'broadcast', 'newsletter'] as const;
export type ChatType = (typeof CHAT_TYPES)[number];

/** The events filters look at; every other event passes a filtered webhook untouched. */
export const FILTERED_EVENTS: ReadonlySet<EventName> = new Set<EventName>([
  'MESSAGES_UPSERT',
  'SEND_MESSAGE',
  'MESSAGES_UPDATE',
  'MESSAGES_EDITED',
  'MESSAGES_DELETE',
]);

/** A webhook's filters, prepared once per config: JIDs normalised into sets. */
export interface CompiledFilters {
  fromMe?: boolean;
  chatTypes?: ReadonlySet<string>;
  include?: ReadonlySet<string>;
  exclude?: ReadonlySet<string>;
  messageTypes?: ReadonlySet<string>;
}

/** `5511999999999`, `+55 11 99999-9999`, `5511999999999@s.whatsapp.net`, `…:12@s.whatsapp.net` → one form. */
export function normaliseJid(value: string): string {
  const v = value.trim().toLowerCase();
  if (!v.includes('@')) return `${v.replace(/\D/g, '')}@s.whatsapp.net`;
  const [user, server] = v.split('@');
  return `${user.split(':')[0]}@${server === 'c.us' ? 's.whatsapp.net' : server}`;
}

export function chatTypeOf(jid: string): ChatType {
  if (jid.endsWith('@g.us')) return 'group';
  if (jid.endsWith('@broadcast')) return 'broadcast';
  if (jid.endsWith('@newsletter')) return 'newsletter';
  return 'individual';
}

export function compileFilters(filters: WebhookFilters | null | undefined): CompiledFilters | null {
  if (!filters) return null;
  const set = (list?: string[], map = (s: string) => s) => (list?.length ? new Set(list.map(map)) : undefined);
  const compiled: CompiledFilters = {
    ...(typeof filters.fromMe === 'boolean' ? { fromMe: filters.fromMe } : {}),
    chatTypes: set(filters.chatTypes),
    include: set(filters.includeJids, normaliseJid),
    exclude: set(filters.excludeJids, normaliseJid),
    messageTypes: set(filters.messageTypes),
  };
  const any = compiled.fromMe !== undefined || compiled.chatTypes || compiled.include || compiled.exclude || compiled.messageTypes;
  return any ? compiled : null;
}

interface MessageFacts {
  fromMe?: boolean;
  /** the chat JID and, when WhatsApp addressed it by LID, its phone-number JID (or the other way round) */
  jids: string[];
  chat?: string;
  messageType?: string;
}

type Loose = Record<string, unknown> | null | undefined;

/** What filters need from the payloads of the message events (Evolution v2 shapes). */
function factsOf(event: GatewayEvent): MessageFacts {
  const data = event.data as Loose;
  // upsert/send/edited: {key: {...}}; update/delete: the key fields at the top level
  const key = ((data?.key as Loose) ?? data) as Loose;
  const chat = typeof key?.remoteJid === 'string' ? key.remoteJid : undefined;
  const alts = [key?.remoteJidAlt, data?.remoteJidAlt, data?.senderPn].filter((j): j is string => typeof j === 'string');
  return {
    fromMe: typeof key?.fromMe === 'boolean' ? key.fromMe : undefined,
    chat,
    jids: [chat, ...alts].filter((j): j is string => !!j).map(normaliseJid),
    messageType: typeof data?.messageType === 'string' ? data.messageType : undefined,
  };
}

/**
 * Whether a webhook with these filters gets this event (all filters must pass). Events without
 * a message type (receipts, deletes) are not held back by a message-type filter: they are about
 * a message, not of a type, and the webhook subscribed to them.
 */
export function passesFilters(filters: CompiledFilters | null, event: GatewayEvent): boolean {
  if (!filters || !FILTERED_EVENTS.has(event.name)) return true;
  const facts = factsOf(event);
  if (filters.fromMe !== undefined && facts.fromMe !== filters.fromMe) return false;
  if (filters.chatTypes && (!facts.chat || !filters.chatTypes.has(chatTypeOf(facts.chat)))) return false;
  if (filters.include && !facts.jids.some((j) => filters.include!.has(j))) return false;
  if (filters.exclude && facts.jids.some((j) => filters.exclude!.has(j))) return false;
  if (filters.messageTypes && facts.messageType !== undefined && !filters.messageTypes.has(facts.messageType)) return false;
  return true;
}
