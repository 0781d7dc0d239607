import { badRequest } from '@gw/common';
import type { SendRequest } from '@gw/instances';
import type { ChatPresence, Json, OutgoingButton, OutgoingContent, OutgoingMedia } from '@gw/whatsapp';
import type { ButtonDto } from './dto/button.dto';
import type { MessageOptionsDto } from './dto/message-options.dto';
import type { SendButtonsDto } from './dto/send-buttons.dto';
import type { SendContactDto } from './dto/send-contact.dto';
import type { SendListDto } from './dto/send-list.dto';
import type { SendLocationDto } from './dto/send-location.dto';
import type { SendMediaDto } from './dto/send-media.dto';
import type { SendPollDto } from './dto/send-poll.dto';
import type { SendReactionDto } from './dto/send-reaction.dto';
import type { SendStatusDto } from './dto/send-status.dto';
import type { SendTemplateDto } from './dto/send-template.dto';
import type { SendTextDto } from './dto/send-text.dto';
import { mentionJid, toRecipient } from './recipient.util';
import type { Normalized } from './v1-body.normalizer';

/** Text statuses need a background; Evolution insists on one, we default to WhatsApp's dark green. */
const DEFAULT_STATUS_BACKGROUND = '#075E54';

/** The common part of every send: recipient, typing delay, reply, mentions. */
export function sendRequest(
  fields: Normalized<MessageOptionsDto>,
  content: OutgoingContent,
  presence: ChatPresence = 'composing',
): SendRequest {
  const to = toRecipient(fields.number);
  if (!to) throw badRequest('number must be a phone number with country code (digits) or a JID');
  const mentions = (fields.mentioned ?? []).map(mentionJid).filter((j): j is string => !!j);
  const quoted = fields.quoted;
  return {
    to,
    content,
    ...(fields.delay ? { delay: fields.delay, presence: fields.presence ?? presence } : {}),
    ...(quoted ? { quoted: { key: { ...quoted.key }, ...(quoted.message ? { message: quoted.message } : {}) } } : {}),
    ...(mentions.length ? { mentions } : {}),
    ...((fields.mentionsEveryOne ?? fields.everyOne) ? { mentionsEveryOne: true } : {}),
  };
}

/** WhatsApp plays voice notes reliably only when they say they are Opus in Ogg. */
export function asVoiceNote(media: OutgoingMedia): OutgoingMedia {
  const base = media.mimetype.split(';')[0].trim().toLowerCase();
  return base === 'audio/ogg' ? { ...media, mimetype: 'audio/ogg; codecs=opus' } : media;
}

function button(b: ButtonDto): OutgoingButton {
  switch (b.type) {
    case 'reply':
      return { type: 'reply', displayText: b.displayText!, id: b.id! };
    case 'copy':
      return { type: 'copy', displayText: b.displayText!, copyCode: b.copyCode! };
    case 'url':
      return { type: 'url', displayText: b.displayText!, url: b.url! };
    case 'call':
      return { type: 'call', displayText: b.displayText!, phoneNumber: b.phoneNumber! };
    case 'pix':
      return { type: 'pix', currency: b.currency!, name: b.name!, keyType: b.keyType!, key: b.key! };
  }
}

/** v2 bodies (already validated) -> engine-neutral content. Media arrives loaded. */
export const contentOf = {
  text: (d: SendTextDto): OutgoingContent => ({ kind: 'text', text: d.text, ...(d.linkPreview === false ? { linkPreview: false } : {}) }),

  media: (d: SendMediaDto, media: OutgoingMedia): OutgoingContent => {
    if (d.mediatype === 'ptv') return { kind: 'media', mediaType: 'video', media, ptv: true };
    return { kind: 'media', mediaType: d.mediatype, media, ...(d.caption ? { caption: d.caption } : {}) };
  },

  voiceNote: (media: OutgoingMedia): OutgoingContent => ({ kind: 'media', mediaType: 'audio', media: asVoiceNote(media), ptt: true }),

  sticker: (media: OutgoingMedia): OutgoingContent => ({ kind: 'media', mediaType: 'sticker', media }),

  location: (d: SendLocationDto): OutgoingContent => ({
    kind: 'location',
    latitude: d.latitude,
    longitude: d.longitude,
    ...(d.name ? { name: d.name } : {}),
    ...(d.address ? { address: d.address } : {}),
  }),

  contacts: (d: SendContactDto): OutgoingContent => ({
    kind: 'contacts',
    contacts: d.contact.map((c) => ({
      fullName: c.fullName,
      phoneNumber: c.phoneNumber,
      ...(c.wuid ? { wuid: c.wuid } : {}),
      ...(c.organization ? { organization: c.organization } : {}),
      ...(c.email ? { email: c.email } : {}),
      ...(c.url ? { url: c.url } : {}),
    })),
  }),

  reaction: (d: SendReactionDto): OutgoingContent => ({
    kind: 'reaction',
    key: {
      remoteJid: toRecipient(d.key.remoteJid)?.jid ?? d.key.remoteJid,
      fromMe: d.key.fromMe,
      id: d.key.id,
      ...(d.key.participant ? { participant: d.key.participant } : {}),
    },
    emoji: d.reaction,
  }),

  template: (d: SendTemplateDto): OutgoingContent => ({
    kind: 'template',
    name: d.name,
    language: d.language,
    ...(d.components?.length ? { components: d.components as Json[] } : {}),
  }),

  poll: (d: SendPollDto): OutgoingContent => ({ kind: 'poll', name: d.name, selectableCount: d.selectableCount, values: d.values }),

  /** `values` is the Evolution docs' name for `sections`. */
  list: (d: SendListDto): OutgoingContent => ({
    kind: 'list',
    title: d.title,
    buttonText: d.buttonText,
    ...(d.description ? { description: d.description } : {}),
    ...(d.footerText ? { footerText: d.footerText } : {}),
    sections: (d.sections ?? d.values ?? []).map((s) => ({
      title: s.title,
      rows: s.rows.map((r) => ({ title: r.title, rowId: r.rowId, ...(r.description ? { description: r.description } : {}) })),
    })),
  }),

  buttons: (d: SendButtonsDto, thumbnail?: OutgoingMedia): OutgoingContent => ({
    kind: 'buttons',
    title: d.title ?? '',
    ...(d.description ? { description: d.description } : {}),
    ...(d.footer ? { footer: d.footer } : {}),
    ...(thumbnail ? { thumbnail } : {}),
    buttons: d.buttons.map(button),
  }),

  status: (d: SendStatusDto, recipients: string[], media?: OutgoingMedia): OutgoingContent => {
    if (d.type === 'text') {
      return {
        kind: 'status',
        body: { kind: 'text', text: d.content },
        recipients,
        backgroundColor: d.backgroundColor ?? DEFAULT_STATUS_BACKGROUND,
        font: d.font ?? 0,
      };
    }
    if (!media) throw badRequest('content must be the media of the status');
    const body =
      d.type === 'audio'
        ? ({ kind: 'media', mediaType: 'audio', media: asVoiceNote(media), ptt: true } as const)
        : ({ kind: 'media', mediaType: d.type, media, ...(d.caption ? { caption: d.caption } : {}) } as const);
    return { kind: 'status', body, recipients };
  },
};

/** statusJidList entries as user JIDs (groups and broadcasts cannot see statuses). */
export function statusRecipients(list: string[] | undefined): string[] {
  const jids = (list ?? [])
    .map((n) => toRecipient(n)?.jid)
    .filter((j): j is string => !!j && (j.endsWith('@s.whatsapp.net') || j.endsWith('@lid')));
  return [...new Set(jids)];
}
