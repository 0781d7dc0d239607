import type { Json, MessageKey } from '@gw/messages';

/**
 * Engine-neutral shapes of what the gateway sends. The transport layer builds them from
 * Evolution's bodies; each engine adapter translates them to its own message format.
 */

/** Media bytes already in memory (downloaded or decoded by the caller). */
export interface OutgoingMedia {
  data: Buffer;
  mimetype: string;
  fileName?: string;
  /** Where the bytes came from, when given by URL (the Cloud API sends media by link). */
  url?: string;
  /** audio: length in whole seconds and 64 loudness bars (0-100), as measured when converting */
  seconds?: number;
  waveform?: Uint8Array;
}

export type OutgoingMediaType = 'image' | 'video' | 'document' | 'audio' | 'sticker';

export interface OutgoingText {
  kind: 'text';
  text: string;
  /** false: never attach a link preview. */
  linkPreview?: boolean;
}

export interface OutgoingMediaMessage {
  kind: 'media';
  mediaType: OutgoingMediaType;
  media: OutgoingMedia;
  caption?: string;
  /** audio: send as a voice note (push-to-talk). */
  ptt?: boolean;
  /** video: send as a round video note. */
  ptv?: boolean;
}

export interface OutgoingContactCard {
  fullName: string;
  phoneNumber: string;
  /** WhatsApp id (digits) of the contact; derived from phoneNumber when absent. */
  wuid?: string;
  organization?: string;
  email?: string;
  url?: string;
}

export interface OutgoingListSection {
  title: string;
  rows: { title: string; description?: string; rowId: string }[];
}

export type OutgoingButton =
  | { type: 'reply'; displayText: string; id: string }
  | { type: 'copy'; displayText: string; copyCode: string }
  | { type: 'url'; displayText: string; url: string }
  | { type: 'call'; displayText: string; phoneNumber: string }
  | { type: 'pix'; currency: string; name: string; keyType: 'phone' | 'email' | 'cpf' | 'cnpj' | 'random'; key: string };

export type OutgoingContent =
  | OutgoingText
  | OutgoingMediaMessage
  | { kind: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  | { kind: 'contacts'; contacts: OutgoingContactCard[] }
  /** emoji: one emoji, or '' to remove an earlier reaction */
  | { kind: 'reaction'; key: MessageKey; emoji: string }
  | { kind: 'poll'; name: string; selectableCount: number; values: string[] }
  | { kind: 'list'; title: string; description?: string; buttonText: string; footerText?: string; sections: OutgoingListSection[] }
  | { kind: 'buttons'; title: string; description?: string; footer?: string; thumbnail?: OutgoingMedia; buttons: OutgoingButton[] }
  /** An approved WhatsApp Business template (Cloud API only); components as Meta defines them. */
  | { kind: 'template'; name: string; language: string; components?: Json[] }
  /** A status (story), posted to `recipients` (phone-number JIDs). */
  | {
      kind: 'status';
      body: OutgoingText | OutgoingMediaMessage;
      recipients: string[];
      /** text statuses: #RRGGBB background and WhatsApp font index 0-5 */
      backgroundColor?: string;
      font?: number;
    };

export type OutgoingContentKind = OutgoingContent['kind'];

export interface SendOptions {
  /** The message to reply to, as stored (key and content). */
  quoted?: { key: MessageKey; message: Json };
  /** JIDs to mention. */
  mentions?: string[];
  /** Groups: mention every participant. */
  mentionsEveryOne?: boolean;
}

/** Chat states shown to the other side while we "type". */
export type ChatPresence = 'composing' | 'recording' | 'paused';

export interface NumberCheck {
  /** the number as asked */
  number: string;
  /** WhatsApp's JID for it (its canonical form when it exists) */
  jid: string;
  exists: boolean;
}

export interface EngineGroupInfo {
  id: string;
  subject: string;
  participants: { id: string; phoneNumber?: string; admin?: string | null }[];
  /** disappearing-messages timer of the group, seconds */
  ephemeralDuration?: number;
}

/** The socket is not (or no longer) logged in; nothing was sent. */
export class EngineNotConnectedError extends Error {
  constructor() {
    super('Connection Closed');
    this.name = 'EngineNotConnectedError';
  }
}
