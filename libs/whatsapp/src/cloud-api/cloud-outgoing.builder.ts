import type { Json } from '@gw/messages';
import type { OutgoingButton, OutgoingContactCard, OutgoingContent, SendOptions } from '../messaging.types';

/** Content the Cloud API cannot carry (polls, statuses, pix/copy/call buttons). */
export class CloudUnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CloudUnsupportedError';
  }
}

export interface CloudOutgoing {
  /** The Graph API `POST /{phone-number-id}/messages` body. */
  body: Json;
  /** The same content in WhatsApp's message structure, for the Evolution-shaped record. */
  message: Json;
  messageType: string;
}

const digits = (jid: string) => jid.split('@')[0].split(':')[0];

/** Turns engine-neutral content into a Graph API message body (and the record's message). `mediaId`: media uploaded with /media. */
export function buildCloudMessage(jid: string, content: OutgoingContent, options: SendOptions = {}, mediaId?: string): CloudOutgoing {
  if (jid.endsWith('@g.us') || jid.endsWith('@broadcast') || jid.endsWith('@newsletter')) {
    throw new CloudUnsupportedError('Cloud API instances send to phone numbers only (no groups, broadcasts or channels)');
  }
  const { payload, message, messageType } = contentPart(content, mediaId);
  const body: Json = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: digits(jid),
    ...payload,
    ...(options.quoted ? { context: { message_id: options.quoted.key.id } } : {}),
  };
  return { body, message, messageType };
}

function contentPart(c: OutgoingContent, mediaId?: string): { payload: Json; message: Json; messageType: string } {
  switch (c.kind) {
    case 'text':
      return {
        payload: { type: 'text', text: { body: c.text, preview_url: c.linkPreview !== false && /https?:\/\//i.test(c.text) } },
        message: { conversation: c.text },
        messageType: 'conversation',
      };
    case 'media': {
      if (!c.media.url && !mediaId) throw new CloudUnsupportedError('Cloud API media needs a link or an uploaded media id');
      const type = c.mediaType;
      const part: Json = mediaId ? { id: mediaId } : { link: c.media.url };
      if (c.caption && type !== 'audio' && type !== 'sticker') part.caption = c.caption;
      if (type === 'document' && c.media.fileName) part.filename = c.media.fileName;
      const messageType = `${type}Message`;
      return {
        payload: { type, [type]: part },
        message: {
          [messageType]: {
            ...(mediaId ? { mediaId } : { url: c.media.url }),
            mimetype: c.media.mimetype,
            ...(c.caption ? { caption: c.caption } : {}),
            ...(c.media.fileName ? { fileName: c.media.fileName } : {}),
          },
        },
        messageType,
      };
    }
    case 'location':
      return {
        payload: { type: 'location', location: { latitude: c.latitude, longitude: c.longitude, name: c.name, address: c.address } },
        message: { locationMessage: { degreesLatitude: c.latitude, degreesLongitude: c.longitude, name: c.name, address: c.address } },
        messageType: 'locationMessage',
      };
    case 'contacts':
      return {
        payload: { type: 'contacts', contacts: c.contacts.map(contactCard) },
        message: { contactsArrayMessage: { contacts: c.contacts.map((k) => ({ displayName: k.fullName })) } },
        messageType: 'contactsArrayMessage',
      };
    case 'reaction':
      return {
        payload: { type: 'reaction', reaction: { message_id: c.key.id, emoji: c.emoji } },
        message: { reactionMessage: { key: c.key, text: c.emoji } },
        messageType: 'reactionMessage',
      };
    case 'list': {
      const { kind: _kind, ...list } = c;
      const interactive: Json = {
        type: 'list',
        header: { type: 'text', text: c.title },
        body: { text: c.description || c.title },
        ...(c.footerText ? { footer: { text: c.footerText } } : {}),
        action: {
          button: c.buttonText,
          sections: c.sections.map((s) => ({
            title: s.title,
            rows: s.rows.map((r) => ({ id: r.rowId, title: r.title, ...(r.description ? { description: r.description } : {}) })),
          })),
        },
      };
      return { payload: { type: 'interactive', interactive }, message: { listMessage: list }, messageType: 'listMessage' };
    }
    case 'buttons':
      return buttonsPart(c.title, c.description, c.footer, c.buttons);
    case 'template': {
      const template: Json = { name: c.name, language: { code: c.language }, ...(c.components?.length ? { components: c.components } : {}) };
      return { payload: { type: 'template', template }, message: { templateMessage: template }, messageType: 'templateMessage' };
    }
    default:
      throw new CloudUnsupportedError(`${c.kind} messages are not available on the WhatsApp Cloud API`);
  }
}

function buttonsPart(title: string, description: string | undefined, footer: string | undefined, buttons: OutgoingButton[]) {
  const common = {
    header: { type: 'text', text: title },
    body: { text: description || title },
    ...(footer ? { footer: { text: footer } } : {}),
  };
  const message = { buttonsMessage: { title, description, footer, buttons } };
  if (buttons.every((b) => b.type === 'reply')) {
    const replies = buttons as Extract<OutgoingButton, { type: 'reply' }>[];
    const interactive = {
      type: 'button',
      ...common,
      action: { buttons: replies.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.displayText } })) },
    };
    return { payload: { type: 'interactive', interactive }, message, messageType: 'buttonsMessage' };
  }
  if (buttons.length === 1 && buttons[0].type === 'url') {
    const interactive = {
      type: 'cta_url',
      ...common,
      action: { name: 'cta_url', parameters: { display_text: buttons[0].displayText, url: buttons[0].url } },
    };
    return { payload: { type: 'interactive', interactive }, message, messageType: 'buttonsMessage' };
  }
  throw new CloudUnsupportedError('Cloud API buttons are reply buttons (up to 3) or a single url button');
}

function contactCard(k: OutgoingContactCard): Json {
  const phone = k.phoneNumber;
  const waId = k.wuid?.replace(/\D/g, '') || phone.replace(/\D/g, '');
  return {
    name: { formatted_name: k.fullName, first_name: k.fullName },
    phones: [{ phone, wa_id: waId, type: 'CELL' }],
    ...(k.organization ? { org: { company: k.organization } } : {}),
    ...(k.email ? { emails: [{ email: k.email, type: 'WORK' }] } : {}),
    ...(k.url ? { urls: [{ url: k.url, type: 'WORK' }] } : {}),
  };
}
