import type { EngineContact, EngineMessage, Json, MessageStatus, MessageUpdate } from '@gw/messages';
import type { CloudChangeValue, CloudMessage, CloudStatus } from './cloud-api.types';

/** One notification `value`, in the engine-neutral shapes Baileys instances produce too. */
export interface NormalizedChange {
  /** Account JID of the business number (the envelope's `sender`). */
  accountJid: string;
  phoneNumberId: string;
  contacts: EngineContact[];
  messages: EngineMessage[];
  updates: MessageUpdate[];
}

export const jidOf = (waId: string) => `${waId.replace(/\D/g, '')}@s.whatsapp.net`;

const STATUS: Record<string, MessageStatus> = {
  sent: 'SERVER_ACK',
  delivered: 'DELIVERY_ACK',
  read: 'READ',
  played: 'PLAYED',
  failed: 'ERROR',
  deleted: 'DELETED',
};

const MEDIA = ['image', 'video', 'audio', 'document', 'sticker'] as const;

export function normalizeChange(value: CloudChangeValue): NormalizedChange {
  const names = new Map((value.contacts ?? []).map((c) => [c.wa_id, c.profile?.name]));
  return {
    accountJid: jidOf(value.metadata.display_phone_number),
    phoneNumberId: value.metadata.phone_number_id,
    contacts: (value.contacts ?? []).map((c) => ({ id: jidOf(c.wa_id), ...(c.profile?.name ? { notify: c.profile.name } : {}) })),
    messages: (value.messages ?? []).map((m) => normalizeMessage(m, names.get(m.from))),
    updates: (value.statuses ?? []).map(normalizeStatus),
  };
}

export function normalizeMessage(m: CloudMessage, pushName?: string): EngineMessage {
  const { message, messageType } = content(m);
  return {
    key: { remoteJid: jidOf(m.from), fromMe: false, id: m.id },
    ...(pushName ? { pushName } : {}),
    message,
    messageType,
    messageTimestamp: Number(m.timestamp) || Math.floor(Date.now() / 1000),
    status: 'DELIVERY_ACK',
    source: 'unknown',
    // downloadable through the Graph API by its media id
    ...((MEDIA as readonly string[]).includes(m.type) ? { hasMedia: true } : {}),
  };
}

export function normalizeStatus(s: CloudStatus): MessageUpdate {
  return {
    key: { remoteJid: jidOf(s.recipient_id), fromMe: true, id: s.id },
    status: STATUS[s.status] ?? 'SERVER_ACK',
  };
}

/** A reply's quote, in the contextInfo shape Baileys gives (stanzaId + participant). */
function contextInfo(m: CloudMessage): Json | undefined {
  if (!m.context?.id) return undefined;
  return { stanzaId: m.context.id, ...(m.context.from ? { participant: jidOf(m.context.from) } : {}) };
}

function content(m: CloudMessage): { message: Json; messageType: string } {
  const ctx = contextInfo(m);
  const withCtx = (inner: Json) => (ctx ? { ...inner, contextInfo: ctx } : inner);
  const part = (m[m.type] ?? {}) as Json;
  if (m.type === 'text') {
    const text = String(part.body ?? '');
    // Baileys gives replies as extendedTextMessage (the record then flattens it to conversation)
    return ctx
      ? { message: { extendedTextMessage: { text, contextInfo: ctx } }, messageType: 'extendedTextMessage' }
      : { message: { conversation: text }, messageType: 'conversation' };
  }
  if ((MEDIA as readonly string[]).includes(m.type)) {
    const type = `${m.type}Message`;
    return {
      message: {
        [type]: withCtx({
          mimetype: part.mime_type,
          ...(part.caption ? { caption: part.caption } : {}),
          ...(part.filename ? { fileName: part.filename } : {}),
          ...(part.sha256 ? { fileSha256: part.sha256 } : {}),
          ...(m.type === 'audio' && part.voice ? { ptt: true } : {}),
          // The Graph API media id: GET /{media-id} with the instance's token gives a download URL.
          mediaId: part.id,
        }),
      },
      messageType: type,
    };
  }
  switch (m.type) {
    case 'location':
      return {
        message: {
          locationMessage: withCtx({
            degreesLatitude: part.latitude,
            degreesLongitude: part.longitude,
            ...(part.name ? { name: part.name } : {}),
            ...(part.address ? { address: part.address } : {}),
          }),
        },
        messageType: 'locationMessage',
      };
    case 'contacts': {
      const cards = (m.contacts as Json[] | undefined) ?? [];
      const toCard = (c: Json) => {
        const name = ((c.name as Json | undefined)?.formatted_name as string) ?? '';
        const phones = ((c.phones as Json[] | undefined) ?? []).map(
          (p) => `TEL;type=CELL${p.wa_id ? `;waid=${p.wa_id}` : ''}:${p.phone ?? ''}`,
        );
        return { displayName: name, vcard: ['BEGIN:VCARD', 'VERSION:3.0', `FN:${name}`, ...phones, 'END:VCARD'].join('\n') };
      };
      if (cards.length === 1) return { message: { contactMessage: withCtx(toCard(cards[0])) }, messageType: 'contactMessage' };
      return { message: { contactsArrayMessage: withCtx({ contacts: cards.map(toCard) }) }, messageType: 'contactsArrayMessage' };
    }
    case 'reaction':
      return {
        message: {
          reactionMessage: {
            key: { remoteJid: jidOf(m.from), id: part.message_id },
            text: part.emoji ?? '',
          },
        },
        messageType: 'reactionMessage',
      };
    case 'interactive': {
      const list = part.list_reply as Json | undefined;
      if (list) {
        return {
          message: {
            listResponseMessage: withCtx({ title: list.title, description: list.description, singleSelectReply: { selectedRowId: list.id } }),
          },
          messageType: 'listResponseMessage',
        };
      }
      const button = part.button_reply as Json | undefined;
      if (button) {
        return {
          message: { buttonsResponseMessage: withCtx({ selectedButtonId: button.id, selectedDisplayText: button.title }) },
          messageType: 'buttonsResponseMessage',
        };
      }
      break;
    }
    case 'button':
      return {
        message: { buttonsResponseMessage: withCtx({ selectedButtonId: part.payload, selectedDisplayText: part.text }) },
        messageType: 'buttonsResponseMessage',
      };
  }
  // Unknown or unsupported on the Cloud API: still an event, with Meta's message kept as it came.
  return { message: { unknownMessage: m as unknown as Json }, messageType: 'unknown' };
}
