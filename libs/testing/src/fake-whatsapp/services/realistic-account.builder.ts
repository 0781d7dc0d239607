import type { HistoryChat, HistoryContact, HistoryMessage, HistorySyncInput } from '../fake-messaging.types';

/** Sizes of a "realistic" account: what a phone in daily use syncs to a new companion. */
export interface RealisticAccountOptions {
  /** address book entries (default 300) */
  contacts?: number;
  /** conversations in the history, groups included (default 100) */
  chats?: number;
  /** history messages, spread over the chats (default 3000) */
  messages?: number;
  /** groups the account is a member of (default 10) */
  groups?: number;
  /** members of each group besides the account (default 8) */
  groupSize?: number;
}

export interface RealisticGroupPlan {
  id: string;
  subject: string;
  /** phone of the owner (a contact) */
  owner: string;
  /** phones of the contacts in the group (the account is added on top) */
  members: string[];
}

export interface RealisticAccountPlan {
  phone: string;
  /** contact phone numbers, in order (the first ones have 1:1 chats) */
  contactPhones: string[];
  groups: RealisticGroupPlan[];
  history: HistorySyncInput;
}

/** History timestamps start here (unix seconds) so two runs build identical payloads. */
const HISTORY_EPOCH = 1_700_000_000;
/**
 * Contacts come from one shared pool (people share contacts), numbered apart from the fake's
 * own account numbers (5511900000001…), so many accounts cost no more peer accounts than one.
 */
const CONTACT_PHONE_BASE = 5531_900_000_000;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * A deterministic account state: contacts with push names, 1:1 chats with the first contacts,
 * groups (owned by a contact, with the account as member) and history messages spread
 * round-robin over the chats, in both directions. Pure: the same input gives the same plan,
 * so benchmark runs compare like with like. Group ids are derived from the account phone.
 */
export function planRealisticAccount(phone: string, options: RealisticAccountOptions = {}): RealisticAccountPlan {
  const contactCount = options.contacts ?? 300;
  const groupCount = Math.min(options.groups ?? 10, options.chats ?? 100);
  const chatCount = Math.max(options.chats ?? 100, groupCount);
  const messageCount = options.messages ?? 3000;
  const groupSize = Math.min(options.groupSize ?? 8, contactCount);
  if (contactCount < 1) throw new Error('a realistic account needs at least one contact');

  const contactPhones = Array.from({ length: contactCount }, (_, i) => String(CONTACT_PHONE_BASE + i));
  const contacts: HistoryContact[] = contactPhones.map((p, i) => ({ id: `${p}@s.whatsapp.net`, notify: `Contact ${pad(i, 4)}` }));
  const groups: RealisticGroupPlan[] = Array.from({ length: groupCount }, (_, g) => {
    const members = Array.from({ length: groupSize }, (_, k) => contactPhones[(g * 7 + k * 13) % contactCount]);
    const unique = [...new Set(members)];
    return { id: `120363${phone.slice(-6)}${pad(g, 6)}@g.us`, subject: `Group ${pad(g, 3)}`, owner: unique[0], members: unique };
  });

  const direct = chatCount - groupCount;
  const chats: HistoryChat[] = [
    ...Array.from({ length: direct }, (_, i) => ({
      id: contacts[i % contactCount].id,
      name: contacts[i % contactCount].notify,
      conversationTimestamp: HISTORY_EPOCH + messageCount,
      unreadCount: i % 5,
    })),
    ...groups.map((g) => ({ id: g.id, name: g.subject, conversationTimestamp: HISTORY_EPOCH + messageCount, unreadCount: 0 })),
  ];
  // One 1:1 chat per contact at most: fewer contacts than direct chats share chats.
  const uniqueChats = [...new Map(chats.map((c) => [c.id, c])).values()];

  const messages: HistoryMessage[] = Array.from({ length: messageCount }, (_, i) => {
    const chat = uniqueChats[i % uniqueChats.length];
    const group = groups.find((g) => g.id === chat.id);
    const fromMe = i % 3 === 0;
    const participant = group && !fromMe ? `${group.members[i % group.members.length]}@s.whatsapp.net` : undefined;
    return {
      key: { remoteJid: chat.id, fromMe, id: `HIST${pad(i, 8)}`, ...(participant ? { participant } : {}) },
      message: { conversation: `history message ${i} in ${chat.name ?? chat.id}` },
      messageTimestamp: HISTORY_EPOCH + i,
      ...(fromMe ? {} : { pushName: group ? `Member ${i % 50}` : String(chat.name ?? '') }),
    };
  });

  return { phone, contactPhones, groups, history: { chats: uniqueChats, contacts, messages } };
}
