import type {
  EngineCall,
  EngineChat,
  EngineContact,
  EngineGroupParticipant,
  EngineLabel,
  EngineMessage,
  EnginePresence,
  HistoryBatch,
  Json,
  LabelAssociation,
  MessageKey,
  MessageUpdate,
  ParticipantAction,
} from '@gw/messages';
import type { WhatsAppChatOperations } from './chat-operations.port';
import type { ChatPresence, EngineGroupInfo, NumberCheck, OutgoingContent, SendOptions } from './messaging.types';
import type { WhatsAppGroupOperations } from './group-operations.port';
import type { ProxySettings } from './proxy/proxy.types';
import type { Dispatcher } from 'undici';

export * from './messaging.types';
export * from './group-operations.port';

/**
 * The engine port: everything the gateway needs from a WhatsApp implementation, in
 * engine-neutral terms. Baileys types never cross this boundary.
 */

export interface EngineAccount {
  /** Phone-number JID of the logged-in account, without device suffix (5511999999999@s.whatsapp.net). */
  jid: string;
  lid?: string;
  pushName?: string;
  profilePictureUrl?: string | null;
  /** What to keep as the instance's `number` when not the JID's digits (Cloud API: the phone number id). */
  storedNumber?: string;
}

/** What to do after WhatsApp closed the connection; decided by the disconnect policy. */
export type CloseDisposition =
  /** Pairing just finished or WhatsApp asked for a restart: reconnect at once. */
  | 'restart'
  /** Transient (network, timeout, server error): reconnect with backoff. */
  | 'reconnect'
  /** The account unlinked this device: the stored session is dead. */
  | 'logged-out'
  /** Banned, replaced or otherwise final: stop without reconnecting, keep the session. */
  | 'stop';

/** What ended a connection, so logs and the connect route can say what failed. */
export type CloseCause =
  /** WhatsApp was never reached: DNS failure, connection refused, TLS error, no answer to the handshake. */
  | 'unreachable'
  /** The watchdog: an open socket stopped answering keep-alives. */
  | 'silent'
  /** WhatsApp (or the network) ended a connection that had been established. */
  | 'remote';

export type EngineEvent =
  | { type: 'connecting' }
  | { type: 'qr'; code: string }
  | { type: 'pairing-code'; code: string }
  | { type: 'open'; account: EngineAccount }
  /** `reason` is readable text ("connect ECONNREFUSED 127.0.0.1:443"); `cause` is absent when the engine cannot tell. */
  | { type: 'close'; statusCode: number; reason: string; disposition: CloseDisposition; cause?: CloseCause }
  /** New messages: `notify` = live, `append` = own messages from other devices or catch-up. */
  | { type: 'messages'; messages: EngineMessage[]; origin: 'notify' | 'append' }
  | { type: 'message-updates'; updates: MessageUpdate[] }
  | { type: 'messages-deleted'; keys: MessageKey[] }
  | { type: 'history'; batch: HistoryBatch }
  | { type: 'chats'; action: 'upsert' | 'update'; chats: EngineChat[] }
  | { type: 'chats-deleted'; ids: string[] }
  | { type: 'contacts'; action: 'upsert' | 'update'; contacts: EngineContact[] }
  | { type: 'presence'; presence: EnginePresence }
  | { type: 'groups'; action: 'upsert' | 'update'; groups: Json[] }
  | {
      type: 'group-participants';
      groupId: string;
      author?: string;
      participants: EngineGroupParticipant[];
      action: ParticipantAction;
    }
  | { type: 'calls'; calls: EngineCall[] }
  | { type: 'label-edit'; label: EngineLabel }
  | { type: 'label-association'; association: LabelAssociation }
  /** WhatsApp told us which phone number a LID belongs to. */
  | { type: 'lid-mapping'; mappings: { lid: string; pn: string }[] };

export type EngineEventListener = (event: EngineEvent) => void;

/** Serialised-string storage for the auth state; implemented on Postgres by the persistence layer. */
export interface AuthStateStore {
  readCreds(instanceId: string): Promise<string | null>;
  /** `fence`: the owner's fencing token; the write is refused when a newer owner exists. */
  writeCreds(instanceId: string, creds: string, fence?: number): Promise<void>;
  readKeys(instanceId: string, type: string, ids: string[]): Promise<Map<string, string>>;
  writeKeys(instanceId: string, writes: { type: string; id: string; value: string | null }[], fence?: number): Promise<void>;
  clear(instanceId: string): Promise<void>;
}

export interface SessionOptions {
  instanceId: string;
  instanceName: string;
  /** The instance's channel (WHATSAPP-BAILEYS default, WHATSAPP-BUSINESS = Cloud API). */
  integration?: string;
  /** Phone number (digits) to link with a pairing code instead of a QR. */
  pairingNumber?: string;
  /** Current fencing token of this node's lease on the instance (undefined = unfenced). */
  fence?: () => number | undefined;
  /** Read at each connect: ask the phone for the full history (instance setting syncFullHistory). */
  syncFullHistory?: () => Promise<boolean>;
  /** Read at each connect: the proxy everything of this instance leaves through (null = direct). */
  proxy?: () => Promise<ProxySettings | null>;
}

export type MediaDownload =
  | { ok: true; data: Buffer }
  | { ok: false; reason: 'not-media' | 'unknown-message' | 'too-large' | 'download-failed'; size?: number; error?: string };

/** Why a linked device (Baileys) refuses a template: they belong to the WhatsApp Business Platform. */
export const TEMPLATES_NEED_CLOUD_API = 'templates can only be sent by Cloud API instances (integration WHATSAPP-BUSINESS)';

/** Sending, and the lookups sending needs. Every method needs an open connection. */
export interface WhatsAppMessaging {
  /**
   * Whether this engine sends message templates (the Cloud API does, a linked device never):
   * known without a connection, so a template to a device is refused for that reason, not
   * for its connection state.
   */
  readonly sendsTemplates?: boolean;
  /** Sends to a JID and resolves once WhatsApp's server has the message (status PENDING). */
  sendMessage(jid: string, content: OutgoingContent, options?: SendOptions): Promise<EngineMessage>;
  /** Which numbers (digits) have WhatsApp, in the order asked. */
  onWhatsApp(numbers: string[]): Promise<NumberCheck[]>;
  /** Typing / recording indicator in a chat. */
  sendPresence(jid: string, presence: ChatPresence): Promise<void>;
  /** A group we are in (cached), or undefined when it does not exist or we are not a member. */
  groupMetadata(jid: string): Promise<EngineGroupInfo | undefined>;
}

/** One WhatsApp account link. `connect()` opens one socket; reconnecting is the caller's decision. */
export interface WhatsAppSession extends WhatsAppMessaging {
  readonly instanceId: string;
  /** Group administration and lookups (group-operations.port.ts). */
  readonly groups: WhatsAppGroupOperations;
  connect(): Promise<void>;
  /** Closes the socket without unlinking the device (the session can resume later). */
  close(): Promise<void>;
  /** Unlinks the device on WhatsApp, closes the socket and erases the stored auth state. */
  logout(): Promise<void>;
  /** Asks WhatsApp for an 8-character pairing code for this phone number (socket must be connecting). */
  requestPairingCode(phoneNumber: string): Promise<string>;
  /** Downloads and decrypts the media of a recently received message (bounded by maxBytes). */
  downloadMedia(messageId: string, maxBytes: number): Promise<MediaDownload>;
  onEvent(listener: EngineEventListener): void;
  /** Chat, profile and account operations (chat-operations.port.ts). */
  readonly chat: WhatsAppChatOperations;
  /** Fetches made for this number (media URLs it sends) go through this: its proxy; undefined = direct. */
  readonly fetchDispatcher?: Dispatcher;
  /**
   * The linked account's JID as soon as the session knows it (stored or just paired credentials),
   * which can be before `open`: messages delivered while the login completes come first.
   */
  readonly accountJid?: string;
}

export interface WhatsAppEngine {
  createSession(options: SessionOptions): WhatsAppSession;
  /** True when a paired session is stored, i.e. connect() will not need a QR. */
  hasStoredSession(instanceId: string): Promise<boolean>;
  /** Erases the stored auth state (used after a logout seen from WhatsApp's side). */
  clearStoredSession(instanceId: string): Promise<void>;
}

export const WHATSAPP_ENGINE = Symbol('WHATSAPP_ENGINE');
export const AUTH_STATE_STORE = Symbol('AUTH_STATE_STORE');
