import type { EngineMessage, Json, LastMessageRef, MessageKey } from '@gw/messages';
import type { MediaDownload } from './whatsapp-engine.port';

/**
 * Chat, profile and account operations beyond sending (Evolution's /chat routes and the
 * instance settings), in engine-neutral terms. Every method needs an open connection and
 * rejects with EngineNotConnectedError otherwise.
 */

/** Privacy categories WhatsApp knows, with the values Evolution's updatePrivacySettings accepts. */
export type PrivacyCategory = 'readreceipts' | 'profile' | 'status' | 'online' | 'last' | 'groupadd' | 'calladd' | 'messages';

export type AccountPresence = 'available' | 'unavailable';

export interface EngineStatusText {
  status: string | null;
  /** unix seconds */
  setAt?: number;
}

export interface EngineBusinessProfile {
  jid: string;
  description: string;
  category?: string;
  email?: string;
  website: string[];
  address?: string;
  businessHours?: Json;
}

/** A message as stored (key and content in proto JSON), for engines to rebuild it from. */
export interface StoredMessage {
  key: MessageKey;
  message: Json | null;
}

export interface WhatsAppChatOperations {
  /** Read receipts (blue ticks) for messages we received. */
  readMessages(keys: MessageKey[]): Promise<void>;
  archiveChat(jid: string, archive: boolean, lastMessage: LastMessageRef): Promise<void>;
  markChatUnread(jid: string, lastMessage: LastMessageRef): Promise<void>;
  /** Revokes one of our messages (or, as group admin, someone's) for everyone; returns the revoke message. */
  deleteForEveryone(key: MessageKey): Promise<EngineMessage>;
  /** Replaces the text of one of our messages; returns the edit message. */
  editText(jid: string, key: MessageKey, text: string): Promise<EngineMessage>;
  updateBlockStatus(jid: string, action: 'block' | 'unblock'): Promise<void>;
  /** High-resolution avatar URL, or null when there is none or we may not see it. */
  profilePictureUrl(jid: string): Promise<string | null>;
  /** The "about" text of a user, or null when hidden. */
  fetchStatus(jid: string): Promise<EngineStatusText | null>;
  /** null for accounts that are not businesses. */
  businessProfile(jid: string): Promise<EngineBusinessProfile | null>;
  privacySettings(): Promise<Partial<Record<PrivacyCategory, string>>>;
  updatePrivacy(settings: Partial<Record<PrivacyCategory, string>>): Promise<void>;
  updateProfileName(name: string): Promise<void>;
  updateProfileStatus(status: string): Promise<void>;
  /** Our own avatar; the engine crops and scales the image. */
  updateProfilePicture(image: Buffer): Promise<void>;
  removeProfilePicture(): Promise<void>;
  /** Online / offline for all contacts (not a chat's typing indicator). */
  setPresence(presence: AccountPresence): Promise<void>;
  rejectCall(callId: string, from: string): Promise<void>;
  /** Downloads the media of a message we only have as stored JSON (not in the engine's recent cache). */
  downloadStoredMedia(message: StoredMessage, maxBytes: number): Promise<MediaDownload>;
}
