import type { ChatPresence, Json, MessageKey, OutgoingContent } from '@gw/whatsapp';

/** Where a message goes: the JID the client's `number` normalised to, and the number as given. */
export interface Recipient {
  /** …@s.whatsapp.net (still to be checked), …@g.us, …@lid or status@broadcast */
  jid: string;
  /** as the client wrote it; echoed in "not on WhatsApp" errors */
  number: string;
}

/** One send, engine-neutral, after the HTTP layer has normalised the Evolution body (v1 or v2). */
export interface SendRequest {
  to: Recipient;
  content: OutgoingContent;
  /** show a typing indicator for this long (ms) before sending */
  delay?: number;
  /** indicator shown during `delay` (default composing) */
  presence?: ChatPresence;
  /** reply to this message: looked up in the message store by id; a given `message` wins */
  quoted?: { key: Partial<MessageKey> & { id: string }; message?: Json };
  /** JIDs to mention */
  mentions?: string[];
  mentionsEveryOne?: boolean;
}
