import type { GatewayEvent } from './gateway-event';

/**
 * Outbound webhooks in Meta's WhatsApp Cloud API shape (webhook `format: "cloud-api"`): message
 * and status events of any instance, Baileys included, become a `whatsapp_business_account`
 * notification, so a receiver written for the Cloud API works unchanged. Other events have no
 * Cloud API equivalent and are not sent to such a webhook (the builder returns null).
 */

export interface CloudAccount {
  /** entry[].id: the WhatsApp Business Account id (Cloud API instances) or the instance id. */
  entryId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

type Json = Record<string, unknown>;

interface RecordData {
  key: { remoteJid: string; fromMe: boolean; id: string; participant?: string; remoteJidAlt?: string };
  pushName?: string | null;
  message: Json | null;
  messageType: string;
  messageTimestamp: number;
  contextInfo?: Json | null;
  senderPn?: string;
}

interface UpdateData {
  keyId: string;
  remoteJid: string;
  remoteJidAlt?: string;
  fromMe: boolean;
  status: string;
}

const STATUS: Record<string, string> = {
  SERVER_ACK: 'sent',
  PENDING: 'sent',
  DELIVERY_ACK: 'delivered',
  READ: 'read',
  PLAYED: 'read',
  ERROR: 'failed',
};

const digits = (jid: string | undefined) => (jid ?? '').split('@')[0].split(':')[0].replace(/\D/g, '');
/** A phone-number JID for a chat (LID chats use their phone-number alternative); undefined for groups and others. */
function phoneOf(jid: string, alt?: string): string | undefined {
  if (jid.endsWith('@s.whatsapp.net')) return digits(jid);
  if (alt?.endsWith('@s.whatsapp.net')) return digits(alt);
  return undefined;
}

export function cloudApiNotification(event: GatewayEvent, account: CloudAccount, now = new Date()): Json | null {
  const value = valueOf(event, now);
  if (!value) return null;
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: account.entryId,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: account.displayPhoneNumber, phone_number_id: account.phoneNumberId },
              ...value,
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

function valueOf(event: GatewayEvent, now: Date): Json | null {
  switch (event.name) {
    case 'MESSAGES_UPSERT': {
      const r = event.data as RecordData;
      // The Cloud API notifies only messages customers send to the business, in 1:1 chats.
      const from = r.key.fromMe ? undefined : phoneOf(r.key.remoteJid, r.senderPn ?? r.key.remoteJidAlt);
      if (!from || r.key.participant) return null;
      return {
        contacts: [{ profile: { name: r.pushName ?? '' }, wa_id: from }],
        messages: [messageOf(r, from)],
      };
    }
    case 'SEND_MESSAGE': {
      const r = event.data as RecordData;
      const to = phoneOf(r.key.remoteJid, r.key.remoteJidAlt);
      if (!to) return null;
      return { statuses: [statusOf(r.key.id, 'sent', r.messageTimestamp, to)] };
    }
    case 'MESSAGES_UPDATE': {
      const u = event.data as UpdateData;
      const to = phoneOf(u.remoteJid, u.remoteJidAlt);
      const status = STATUS[u.status];
      if (!u.fromMe || !to || !status) return null;
      return { statuses: [statusOf(u.keyId, status, Math.floor(now.getTime() / 1000), to)] };
    }
    default:
      return null;
  }
}

function statusOf(id: string, status: string, timestamp: number, recipient: string): Json {
  return { id, status, timestamp: String(timestamp), recipient_id: recipient };
}

function messageOf(r: RecordData, from: string): Json {
  const base: Json = { from, id: r.key.id, timestamp: String(r.messageTimestamp) };
  const ctx = r.contextInfo as { stanzaId?: string; participant?: string } | null | undefined;
  if (ctx?.stanzaId) base.context = { ...(ctx.participant ? { from: digits(ctx.participant) } : {}), id: ctx.stanzaId };
  return { ...base, ...contentOf(r) };
}

function contentOf(r: RecordData): Json {
  const msg = r.message ?? {};
  const inner = (msg[r.messageType] ?? {}) as Json;
  switch (r.messageType) {
    case 'conversation':
      return { type: 'text', text: { body: String(msg.conversation ?? '') } };
    case 'extendedTextMessage':
      return { type: 'text', text: { body: String(inner.text ?? '') } };
    case 'imageMessage':
    case 'videoMessage':
    case 'audioMessage':
    case 'documentMessage':
    case 'stickerMessage': {
      const type = r.messageType.replace('Message', '');
      // Our media id is the message id: POST /chat/getBase64FromMediaMessage downloads it.
      return {
        type,
        [type]: {
          id: r.key.id,
          mime_type: inner.mimetype,
          ...(inner.caption ? { caption: inner.caption } : {}),
          ...(inner.fileName ? { filename: inner.fileName } : {}),
          ...(type === 'audio' ? { voice: !!inner.ptt } : {}),
          ...(inner.fileSha256 ? { sha256: inner.fileSha256 } : {}),
        },
      };
    }
    case 'locationMessage':
      return {
        type: 'location',
        location: {
          latitude: inner.degreesLatitude,
          longitude: inner.degreesLongitude,
          ...(inner.name ? { name: inner.name } : {}),
          ...(inner.address ? { address: inner.address } : {}),
        },
      };
    case 'contactMessage':
      return { type: 'contacts', contacts: [contactOf(inner)] };
    case 'contactsArrayMessage':
      return { type: 'contacts', contacts: ((inner.contacts as Json[] | undefined) ?? []).map(contactOf) };
    case 'reactionMessage':
      return { type: 'reaction', reaction: { message_id: (inner.key as Json | undefined)?.id, emoji: inner.text ?? '' } };
    case 'listResponseMessage':
      return {
        type: 'interactive',
        interactive: {
          type: 'list_reply',
          list_reply: { id: (inner.singleSelectReply as Json | undefined)?.selectedRowId, title: inner.title ?? '' },
        },
      };
    case 'buttonsResponseMessage':
      return {
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: inner.selectedButtonId, title: inner.selectedDisplayText ?? '' } },
      };
    default:
      // What Meta sends for content the Cloud API does not support.
      return {
        type: 'unsupported',
        errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: `Message type ${r.messageType} is not supported` } }],
      };
  }
}

function contactOf(c: Json): Json {
  const vcard = String(c.vcard ?? '');
  const phones = [...vcard.matchAll(/^TEL[^:\n]*?(?:waid=(\d+))?[^:\n]*:(.+)$/gm)].map((m) => ({
    phone: m[2].trim(),
    ...(m[1] ? { wa_id: m[1] } : {}),
    type: 'CELL',
  }));
  return { name: { formatted_name: c.displayName ?? '' }, phones };
}
