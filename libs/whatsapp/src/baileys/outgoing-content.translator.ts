import type { AnyMessageContent, MiscMessageGenerationOptions } from '@whiskeysockets/baileys';
import type { OutgoingContactCard, OutgoingContent, OutgoingMediaMessage, OutgoingText } from '../messaging.types';

/** Kinds Baileys builds itself from its AnyMessageContent shortcuts (lists and buttons are raw protos). */
export type ContentKind = Exclude<OutgoingContent, { kind: 'list' } | { kind: 'buttons' } | { kind: 'template' }>;

export interface BaileysSendable {
  /** where it goes when it is not the chat asked for (statuses) */
  jid?: string;
  content: AnyMessageContent;
  options: MiscMessageGenerationOptions;
}

export const STATUS_JID = 'status@broadcast';

/** Our outgoing content -> Baileys' sendMessage arguments. Pure; media is already in memory. */
export function toBaileysContent(content: ContentKind, mentions?: string[]): BaileysSendable {
  const withMentions = mentions?.length ? { mentions } : {};
  switch (content.kind) {
    case 'text':
      return { content: { ...textContent(content), ...withMentions }, options: {} };
    case 'media':
      return { content: mediaContent(content, mentions), options: {} };
    case 'location':
      return {
        content: {
          location: {
            degreesLatitude: content.latitude,
            degreesLongitude: content.longitude,
            name: content.name,
            address: content.address,
          },
        },
        options: {},
      };
    case 'contacts': {
      const cards = content.contacts.map((c) => ({ displayName: c.fullName, vcard: vcard(c) }));
      const displayName = cards.length === 1 ? cards[0].displayName : `${cards.length} contacts`;
      return { content: { contacts: { displayName, contacts: cards } }, options: {} };
    }
    case 'reaction':
      return { content: { react: { key: content.key, text: content.emoji } }, options: {} };
    case 'poll':
      return {
        content: { poll: { name: content.name, selectableCount: content.selectableCount, values: content.values }, ...withMentions },
        options: {},
      };
    case 'status': {
      const body = content.body.kind === 'text' ? textContent(content.body) : mediaContent(content.body);
      const options = {
        statusJidList: content.recipients,
        backgroundColor: content.backgroundColor,
        font: content.font,
        broadcast: true,
      } satisfies MiscMessageGenerationOptions;
      return { jid: STATUS_JID, content: body, options };
    }
  }
}

function textContent(content: OutgoingText): AnyMessageContent {
  // null (not undefined) tells Baileys not to look for a preview at all
  return { text: content.text, ...(content.linkPreview === false ? { linkPreview: null } : {}) };
}

function mediaContent(content: OutgoingMediaMessage, mentions?: string[]): AnyMessageContent {
  const { data, mimetype, fileName } = content.media;
  const caption = content.caption || undefined;
  const withMentions = mentions?.length ? { mentions } : {};
  switch (content.mediaType) {
    case 'image':
      return { image: data, caption, mimetype, ...withMentions };
    case 'video':
      return { video: data, caption, mimetype, ...(content.ptv ? { ptv: true } : {}), ...withMentions };
    case 'document':
      return { document: data, mimetype, fileName, caption };
    case 'audio': {
      // given, Baileys uses them; absent, it tries to measure the file itself
      const { seconds, waveform } = content.media;
      return { audio: data, mimetype, ptt: !!content.ptt, ...(seconds ? { seconds } : {}), ...(waveform ? { waveform } : {}) };
    }
    case 'sticker':
      return { sticker: data, mimetype };
  }
}

/** One line of a vCard value: line breaks would start new vCard properties. */
const line = (value: string) => value.replace(/[\r\n]+/g, ' ').trim();

/** A vCard 3.0 like Evolution's, with `waid` so WhatsApp offers "Message" for the contact. */
export function vcard(card: OutgoingContactCard): string {
  const waid = (card.wuid ?? card.phoneNumber).split('@')[0].replace(/\D/g, '');
  const lines = ['BEGIN:VCARD', 'VERSION:3.0', `N:${line(card.fullName)}`, `FN:${line(card.fullName)}`];
  if (card.organization) lines.push(`ORG:${line(card.organization)};`);
  if (card.email) lines.push(`EMAIL:${line(card.email)}`);
  if (card.url) lines.push(`URL:${line(card.url)}`);
  lines.push(`item1.TEL;waid=${waid}:${line(card.phoneNumber)}`, 'item1.X-ABLabel:Mobile', 'END:VCARD');
  return lines.join('\n');
}
