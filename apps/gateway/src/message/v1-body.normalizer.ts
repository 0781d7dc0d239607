import type { ChatPresence } from '@gw/whatsapp';
import type { MessageOptionsDto } from './dto/message-options.dto';
import type { SendAudioDto, SendAudioV1Dto } from './dto/send-audio.dto';
import type { SendButtonsDto, SendButtonsV1Dto } from './dto/send-buttons.dto';
import type { SendContactDto, SendContactV1Dto } from './dto/send-contact.dto';
import type { SendListDto, SendListV1Dto } from './dto/send-list.dto';
import type { SendLocationDto, SendLocationV1Dto } from './dto/send-location.dto';
import type { SendMediaDto, SendMediaV1Dto } from './dto/send-media.dto';
import type { SendPollDto, SendPollV1Dto } from './dto/send-poll.dto';
import type { SendTemplateDto, SendTemplateV1Dto } from './dto/send-template.dto';
import type { SendReactionDto, SendReactionV1Dto } from './dto/send-reaction.dto';
import type { SendStatusDto, SendStatusV1Dto } from './dto/send-status.dto';
import type { SendStickerDto, SendStickerV1Dto } from './dto/send-sticker.dto';
import type { SendTextDto, SendTextV1Dto } from './dto/send-text.dto';
import type { V1EnvelopeDto } from './dto/v1-envelope.dto';

/** A v2 body, plus the typing indicator v1 could choose (`options.presence`). */
export type Normalized<T> = T & { presence?: ChatPresence };

/** v1 `options` -> the flat v2 fields (Evolution compat spec §8). */
function flatOptions(v1: V1EnvelopeDto): Normalized<MessageOptionsDto> {
  const o = v1.options;
  const presence = o?.presence === 'composing' || o?.presence === 'recording' ? o.presence : undefined;
  return {
    number: v1.number,
    delay: o?.delay,
    quoted: o?.quoted,
    linkPreview: o?.linkPreview,
    mentionsEveryOne: o?.mentions?.everyOne,
    mentioned: o?.mentions?.mentioned,
    ...(presence ? { presence } : {}),
  };
}

/** Evolution v1 bodies (validated) rewritten as the v2 bodies the use case works with. */
export const fromV1 = {
  text: (b: SendTextV1Dto): Normalized<SendTextDto> => ({ ...flatOptions(b), text: b.textMessage.text }),
  media: (b: SendMediaV1Dto): Normalized<SendMediaDto> => ({ ...flatOptions(b), ...b.mediaMessage }),
  audio: (b: SendAudioV1Dto): Normalized<SendAudioDto> => ({
    ...flatOptions(b),
    audio: b.audioMessage.audio,
    ...(b.options?.encoding !== undefined ? { encoding: b.options.encoding } : {}),
  }),
  sticker: (b: SendStickerV1Dto): Normalized<SendStickerDto> => ({ ...flatOptions(b), sticker: b.stickerMessage.image }),
  location: (b: SendLocationV1Dto): Normalized<SendLocationDto> => ({ ...flatOptions(b), ...b.locationMessage }),
  contact: (b: SendContactV1Dto): Normalized<SendContactDto> => ({ ...flatOptions(b), contact: b.contactMessage }),
  reaction: (b: SendReactionV1Dto): SendReactionDto => b.reactionMessage,
  poll: (b: SendPollV1Dto): Normalized<SendPollDto> => ({ ...flatOptions(b), ...b.pollMessage }),
  template: (b: SendTemplateV1Dto): Normalized<SendTemplateDto> => ({ ...flatOptions(b), ...b.templateMessage }),
  list: (b: SendListV1Dto): Normalized<SendListDto> => ({ ...flatOptions(b), ...b.listMessage }),
  /** v1 buttons were plain reply buttons; an image header came as `mediaMessage`. */
  buttons: (b: SendButtonsV1Dto): Normalized<SendButtonsDto> => {
    const m = b.buttonMessage;
    return {
      ...flatOptions(b),
      title: m.title,
      description: m.description,
      footer: m.footerText,
      thumbnailUrl: m.mediaMessage?.media,
      buttons: m.buttons.map((x) => ({ type: 'reply' as const, displayText: x.buttonText, id: x.buttonId })),
    };
  },
  status: (b: SendStatusV1Dto): SendStatusDto => b.statusMessage,
};
