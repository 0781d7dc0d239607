import { Injectable } from '@nestjs/common';
import { badRequest } from '@gw/common';
import { InstanceLifecycleService, SendRequest, SentMessageRecord } from '@gw/instances';
import { ContactRepository } from '@gw/store';
import { ConnectedSessions } from '../instance/connected-session.service';
import { SendAudioDto, SendAudioV1Dto } from './dto/send-audio.dto';
import { SendButtonsDto, SendButtonsV1Dto } from './dto/send-buttons.dto';
import { SendContactDto, SendContactV1Dto } from './dto/send-contact.dto';
import { SendListDto, SendListV1Dto } from './dto/send-list.dto';
import { SendLocationDto, SendLocationV1Dto } from './dto/send-location.dto';
import { SendMediaDto, SendMediaV1Dto } from './dto/send-media.dto';
import { SendPollDto, SendPollV1Dto } from './dto/send-poll.dto';
import { SendReactionDto, SendReactionV1Dto } from './dto/send-reaction.dto';
import { SendStatusDto, SendStatusV1Dto } from './dto/send-status.dto';
import { SendStickerDto, SendStickerV1Dto } from './dto/send-sticker.dto';
import { SendTemplateDto, SendTemplateV1Dto } from './dto/send-template.dto';
import { SendTextDto, SendTextV1Dto } from './dto/send-text.dto';
import { SendMediaInput, OutgoingMediaService, Sender } from './outgoing-media.service';
import { contentOf, sendRequest, statusRecipients } from './send-request.factory';
import type { UploadedPart } from './uploaded-part';
import { fromV1 } from './v1-body.normalizer';

type Target = { id: string; name: string } & Sender;

/** The multipart `file` part when there is one (the body then has no media field), else the body's string. */
const mediaInput = (file: UploadedPart | undefined, raw: string, field: string): SendMediaInput => (file ? { file } : { raw, field });

const STATUS_RECIPIENT = { jid: 'status@broadcast', number: 'status@broadcast' };
/** A status is encrypted for every device of every recipient: beyond this, ask for a statusJidList. */
export const MAX_STATUS_RECIPIENTS = 5_000;

/**
 * The /message/send* routes: v1 bodies are rewritten as v2, media is loaded, and the
 * engine-neutral request goes to the instance's send queue. Its errors (SendException, media
 * conversion) are answered by the global filter.
 */
@Injectable()
export class SendMessageUseCase {
  constructor(
    private readonly lifecycle: InstanceLifecycleService,
    private readonly sessions: ConnectedSessions,
    private readonly outgoing: OutgoingMediaService,
    private readonly contacts: ContactRepository,
  ) {}

  text(instance: Target, body: SendTextDto | SendTextV1Dto) {
    const dto = body instanceof SendTextV1Dto ? fromV1.text(body) : body;
    return this.send(instance, () => sendRequest(dto, contentOf.text(dto)));
  }

  /** `mediatype: audio` with `ptt: true` is a voice note, converted as sendWhatsAppAudio's. */
  mediaMessage(instance: Target, body: SendMediaDto | SendMediaV1Dto, file?: UploadedPart) {
    const dto = body instanceof SendMediaV1Dto ? fromV1.media(body) : body;
    return this.send(instance, async () => {
      const input = mediaInput(file, dto.media, 'media');
      if (dto.mediatype === 'audio' && dto.ptt) {
        return sendRequest(dto, contentOf.voiceNote(await this.outgoing.voiceNote(this.senderOf(instance), input, dto)), 'recording');
      }
      const media = await this.outgoing.load(this.senderOf(instance), input, dto.mediatype === 'ptv' ? 'video' : dto.mediatype, dto);
      return sendRequest(dto, contentOf.media(dto, media), dto.mediatype === 'audio' ? 'recording' : 'composing');
    });
  }

  audio(instance: Target, body: SendAudioDto | SendAudioV1Dto, file?: UploadedPart) {
    const dto = body instanceof SendAudioV1Dto ? fromV1.audio(body) : body;
    return this.send(instance, async () => {
      const media = await this.outgoing.voiceNote(this.senderOf(instance), mediaInput(file, dto.audio, 'audio'), dto, dto.encoding !== false);
      return sendRequest(dto, contentOf.voiceNote(media), 'recording');
    });
  }

  sticker(instance: Target, body: SendStickerDto | SendStickerV1Dto, file?: UploadedPart) {
    const dto = body instanceof SendStickerV1Dto ? fromV1.sticker(body) : body;
    return this.send(instance, async () => {
      const media = await this.outgoing.sticker(this.senderOf(instance), mediaInput(file, dto.sticker, 'sticker'));
      return sendRequest(dto, contentOf.sticker(media));
    });
  }

  location(instance: Target, body: SendLocationDto | SendLocationV1Dto) {
    const dto = body instanceof SendLocationV1Dto ? fromV1.location(body) : body;
    return this.send(instance, () => sendRequest(dto, contentOf.location(dto)));
  }

  contact(instance: Target, body: SendContactDto | SendContactV1Dto) {
    const dto = body instanceof SendContactV1Dto ? fromV1.contact(body) : body;
    return this.send(instance, () => sendRequest(dto, contentOf.contacts(dto)));
  }

  reaction(instance: Target, body: SendReactionDto | SendReactionV1Dto) {
    const dto = body instanceof SendReactionV1Dto ? fromV1.reaction(body) : body;
    return this.send(instance, () => sendRequest({ number: dto.key.remoteJid }, contentOf.reaction(dto)));
  }

  /** Cloud API instances only: the engine refuses templates on a linked device. */
  template(instance: Target, body: SendTemplateDto | SendTemplateV1Dto) {
    const dto = body instanceof SendTemplateV1Dto ? fromV1.template(body) : body;
    return this.send(instance, () => sendRequest(dto, contentOf.template(dto)));
  }

  poll(instance: Target, body: SendPollDto | SendPollV1Dto) {
    const dto = body instanceof SendPollV1Dto ? fromV1.poll(body) : body;
    return this.send(instance, () => sendRequest(dto, contentOf.poll(dto)));
  }

  list(instance: Target, body: SendListDto | SendListV1Dto) {
    const dto = body instanceof SendListV1Dto ? fromV1.list(body) : body;
    return this.send(instance, () => sendRequest(dto, contentOf.list(dto)));
  }

  buttons(instance: Target, body: SendButtonsDto | SendButtonsV1Dto) {
    const dto = body instanceof SendButtonsV1Dto ? fromV1.buttons(body) : body;
    return this.send(instance, async () => {
      const thumbnail = dto.thumbnailUrl ? await this.outgoing.load(this.senderOf(instance), { raw: dto.thumbnailUrl, field: 'thumbnailUrl' }, 'image') : undefined;
      return sendRequest(dto, contentOf.buttons(dto, thumbnail));
    });
  }

  status(instance: Target, body: SendStatusDto | SendStatusV1Dto, file?: UploadedPart) {
    const dto = body instanceof SendStatusV1Dto ? fromV1.status(body) : body;
    return this.send(instance, async () => {
      const recipients = dto.allContacts
        ? await this.allContacts(instance, dto.statusJidList)
        : statusRecipients(dto.statusJidList);
      if (!recipients.length) {
        throw badRequest(
          dto.allContacts
            ? 'allContacts: no contacts are known for this instance yet (they arrive with the history sync); pass statusJidList'
            : 'statusJidList is required (StatusJidList is required)',
        );
      }
      if (dto.type === 'text' && file) throw badRequest(`type text takes its text in content, not a file`);
      const input = mediaInput(file, dto.content, 'content');
      const media =
        dto.type === 'text'
          ? undefined
          : dto.type === 'audio'
            ? await this.outgoing.voiceNote(this.senderOf(instance), input)
            : await this.outgoing.load(this.senderOf(instance), input, dto.type);
      return { to: STATUS_RECIPIENT, content: contentOf.status(dto, recipients, media) };
    });
  }

  /** Every stored contact (from contact events and history sync), plus any JIDs also listed. */
  private async allContacts(instance: Target, listed: string[] | undefined): Promise<string[]> {
    const known = await this.contacts.contactJids(instance.id, MAX_STATUS_RECIPIENTS + 1);
    if (known.length > MAX_STATUS_RECIPIENTS) {
      throw badRequest(`allContacts: more than ${MAX_STATUS_RECIPIENTS} contacts; pass statusJidList instead`);
    }
    return [...new Set([...known, ...statusRecipients(listed)])];
  }

  /** Who sends, for its media: Cloud API numbers are not converted; URLs go through the instance's proxy, if any. */
  private senderOf(instance: Target): Sender {
    return { integration: instance.integration, fetchVia: this.lifecycle.runtime(instance.id)?.session.fetchDispatcher };
  }

  /** Connection first (no point downloading media for an instance that cannot send), then the queue. */
  private async send(instance: Target, build: () => SendRequest | Promise<SendRequest>): Promise<SentMessageRecord> {
    this.sessions.open(instance);
    return this.lifecycle.send(instance, await build());
  }
}
