/**
 * Engine-neutral shapes of what happens on an account. They mirror WhatsApp's own
 * structures (which Evolution's webhooks expose) as plain JSON: bytes are base64 strings,
 * 64-bit numbers are numbers, timestamps are unix seconds.
 */

export type Json = Record<string, unknown>;

export interface MessageKey {
  remoteJid: string;
  fromMe: boolean;
  id: string;
  participant?: string;
  /** The other addressing of remoteJid: the phone-number JID for a @lid chat, or the LID. */
  remoteJidAlt?: string;
  participantAlt?: string;
  addressingMode?: string;
}

/** The chat's newest message: WhatsApp's archive/unread patches are anchored on it. */
export interface LastMessageRef {
  key: MessageKey;
  /** unix seconds */
  messageTimestamp?: number;
}

export type MessageStatus = 'ERROR' | 'PENDING' | 'SERVER_ACK' | 'DELIVERY_ACK' | 'READ' | 'PLAYED' | 'DELETED';

export interface EngineMessage {
  key: MessageKey;
  pushName?: string;
  /** The message content (proto Message as JSON), null for stubs. */
  message: Json | null;
  messageType: string;
  messageTimestamp: number;
  status: MessageStatus;
  source: string;
  messageStubType?: string;
  messageStubParameters?: string[];
  /** Phone-number JID of the sender when WhatsApp addressed it by LID. */
  senderPn?: string;
  /** The message carries downloadable media (image, video, audio, document, sticker). */
  hasMedia?: boolean;
}

export interface MessageUpdate {
  key: MessageKey;
  status?: MessageStatus;
  /** New content of an edited message. */
  editedMessage?: Json;
  /** The message was revoked (deleted for everyone). */
  revoked?: boolean;
  pollUpdates?: Json[];
  /** For group receipts: who read/received it. */
  receiptFrom?: string;
}

export interface EngineChat {
  id: string;
  name?: string;
  unreadCount?: number;
  conversationTimestamp?: number;
  /**
   * Time of the newest message from the other side that this update reports (a live message's
   * chat update carries its message): the store then moves the chat's activity in the same write.
   */
  lastInboundAt?: number;
  archived?: boolean;
  pinned?: number;
  muteEndTime?: number;
}

export interface EngineContact {
  id: string;
  lid?: string;
  phoneNumber?: string;
  name?: string;
  notify?: string;
  verifiedName?: string;
  imgUrl?: string | null;
}

export interface EngineGroupParticipant {
  id: string;
  phoneNumber?: string;
  lid?: string;
  admin?: string | null;
}

export type ParticipantAction = 'add' | 'remove' | 'promote' | 'demote' | 'modify';

export interface EnginePresence {
  chatId: string;
  presences: Record<string, { lastKnownPresence: string; lastSeen?: number }>;
}

export interface EngineCall {
  id: string;
  chatId: string;
  from: string;
  date: string;
  offline: boolean;
  status: string;
  isVideo?: boolean;
  isGroup?: boolean;
  groupJid?: string;
}

export interface EngineLabel {
  id: string;
  name: string;
  color: number;
  deleted: boolean;
  predefinedId?: string;
}

export interface LabelAssociation {
  type: 'add' | 'remove';
  chatId: string;
  labelId: string;
  messageId?: string;
}

export interface HistoryBatch {
  chats: EngineChat[];
  contacts: EngineContact[];
  messages: EngineMessage[];
  syncType?: string;
  isLatest?: boolean;
  progress?: number | null;
}
