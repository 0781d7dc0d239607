/**
 * Public, JSON-friendly shapes of the fake's messaging API: what a peer (a phone of
 * another fake account) does towards logged-in Baileys clients, and what the fake
 * records about the clients' own traffic. Message contents are `proto.IMessage`-shaped
 * plain objects; they go through `proto.Message.fromObject`, so JSON (base64 bytes,
 * enum names or numbers) works as well as in-process objects with Buffers.
 */

export type MessageContent = Record<string, unknown>;

/**
 * 'signal' (default): real Signal from the peer's phone. The wire type is whatever
 * libsignal produces: `pkmsg` while the session is new (built from the device's uploaded
 * pre-key bundle) and until the client has answered in it, `msg` afterwards.
 * 'pkmsg': like 'signal' but always starts a fresh session first.
 * 'msg': like 'signal' but fails if the session would still send a pkmsg.
 * 'plaintext': the `<plaintext>` shortcut Baileys accepts without decryption.
 */
export type EncryptionMode = 'signal' | 'pkmsg' | 'msg' | 'plaintext';

export type AddressingMode = 'pn' | 'lid';

export interface SendMessageOptions {
  /** message id (default: a Baileys-style random id) */
  id?: string;
  /** `notify` attribute (default: the sender account's pushName) */
  pushName?: string;
  encryption?: EncryptionMode;
  /** unix seconds (default: now) */
  timestamp?: number;
  /** group jid: a group message from participant `from`, to every connected member device */
  group?: string;
  /**
   * 'pn' (default for 1:1): from the phone number, with `sender_lid`; 'lid': from the LID
   * with `sender_pn` (v7 fills key.remoteJidAlt / participantAlt). Groups use their own mode.
   */
  addressing?: AddressingMode;
}

/** the key Baileys reports for a delivered message (cleaned the way Baileys cleans it) */
export interface SentMessageKey {
  remoteJid: string;
  id: string;
  fromMe: false;
  participant?: string;
}

export interface DeliveredDevice {
  deviceJid: string;
  connectionId: string;
  /** enc types in the stanza, e.g. ['pkmsg'], ['pkmsg','skmsg'], ['plaintext'] */
  encTypes: string[];
}

export interface MessageDeliveryRecord {
  key: SentMessageKey;
  from: string;
  /** accounts the message was addressed to */
  to: string[];
  devices: DeliveredDevice[];
  /** devices that were offline; they get the message when they log in again */
  queued: string[];
  at: string;
}

export type PresenceType = 'available' | 'unavailable';
export type ChatStateType = 'composing' | 'recording' | 'paused';

export type GroupAdminRole = 'admin' | 'superadmin';

export interface GroupParticipantInfo {
  jid: string;
  lid: string;
  admin: GroupAdminRole | null;
}

export interface GroupInfo {
  id: string;
  subject: string;
  owner: string;
  creation: number;
  description?: string;
  announce: boolean;
  restrict: boolean;
  addressingMode: AddressingMode;
  participants: GroupParticipantInfo[];
  /** current invite link code (22 characters, like WhatsApp's) */
  inviteCode: string;
  /** disappearing-messages timer in seconds, 0 = off */
  ephemeral: number;
  /** id of the current group picture, undefined when it has none */
  pictureId?: string;
}

export interface CreateGroupOptions {
  /** group jid or its user part (default: generated) */
  id?: string;
  description?: string;
  /** 'pn' (default) lists participants by phone number, 'lid' by LID (like newer groups) */
  addressingMode?: AddressingMode;
  /** send the `<create>` notification to connected members (default true) */
  notify?: boolean;
}

export type GroupAction =
  | 'create'
  | 'add'
  | 'remove'
  | 'leave'
  | 'promote'
  | 'demote'
  | 'subject'
  | 'description'
  | 'announce'
  | 'restrict'
  /** value: the timer in seconds (0 = off) */
  | 'ephemeral'
  /** a new invite code replaces the old one */
  | 'revoke-invite'
  /** the group picture changed (GroupAdminService.setPicture; not a w:gp2 notification) */
  | 'picture';

export interface HistoryChat {
  id: string;
  name?: string;
  unreadCount?: number;
  /** unix seconds */
  conversationTimestamp?: number;
  archived?: boolean;
  /** further `proto.IConversation` fields are passed through */
  [field: string]: unknown;
}

export interface HistoryContact {
  id: string;
  /** push name, as Baileys reports it in contacts (`notify`) */
  notify?: string;
  pushName?: string;
}

/** a `proto.IWebMessageInfo`-shaped object: {key:{remoteJid,fromMe,id,participant?}, message, messageTimestamp, pushName?} */
export type HistoryMessage = Record<string, unknown> & {
  key: { remoteJid: string; fromMe?: boolean; id: string; participant?: string };
};

export type HistorySyncTypeName = 'INITIAL_BOOTSTRAP' | 'RECENT' | 'FULL' | 'PUSH_NAME' | 'ON_DEMAND';

export interface HistorySyncInput {
  chats?: HistoryChat[];
  contacts?: HistoryContact[];
  messages?: HistoryMessage[];
  /** default 'RECENT' */
  syncType?: HistorySyncTypeName;
  /** default 100 */
  progress?: number;
}

export interface HistorySyncResult {
  /** ids of the HISTORY_SYNC_NOTIFICATION messages (one per chunk: chats/messages, push names) */
  messageIds: string[];
  devices: string[];
}

export type CallStatus = 'offer' | 'ringing' | 'accept' | 'reject' | 'terminate' | 'timeout';

export interface CallOptions {
  /** call id (default: generated); reuse it for the follow-up statuses of one call */
  id?: string;
  status?: CallStatus;
  isVideo?: boolean;
  /** group call in this group */
  group?: string;
  /** unix seconds (default: now) */
  timestamp?: number;
}

export type PeerReceiptType = 'delivery' | 'read' | 'played';

export interface ReceiptOptions {
  /** account whose devices get the receipt (default: the sender recorded for key.id) */
  to?: string;
  /** unix seconds (default: now) */
  timestamp?: number;
}

/** a `<receipt>` a client sent (for a message the fake delivered, or a read receipt) */
export interface ClientReceiptRecord {
  connectionId: string;
  deviceJid: string;
  accountJid: string;
  to: string;
  participant?: string;
  recipient?: string;
  /** 'delivery' when the stanza has no type */
  type: string;
  ids: string[];
  at: string;
}

export interface ClientMessageRecipient {
  jid: string;
  encType: string;
  /** false for devices the fake cannot decrypt for (other real clients) */
  decrypted: boolean;
  error?: string;
}

/** a `<message>` a client sent, decrypted by the recipients' fake phones */
export interface ClientMessageRecord {
  connectionId: string;
  /** sending device, e.g. 5511900000001:1@s.whatsapp.net */
  from: string;
  accountJid: string;
  /** chat: peer jid (PN or LID, as the client addressed it) or group jid */
  to: string;
  id: string;
  /** stanza type: text, media, reaction, poll, … */
  type: string;
  /** `edit` attribute: 1 edit, 7 revoke, 8 admin revoke, 2 pin */
  edit?: string;
  /** the decoded proto.Message (deviceSentMessage unwrapped); undefined if nothing could be decrypted */
  message?: Record<string, unknown>;
  recipients: ClientMessageRecipient[];
  at: string;
}
