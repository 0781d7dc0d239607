import { Injectable } from '@nestjs/common';
import { badRequest } from '@gw/common';
import { InstanceLifecycleService, SendRequest, SentMessageRecord } from '@gw/instances';
import { ContactRepository } from '@gw/store';
import { ConnectedSessions } from '../instance/connected-session.service';
import type { SendAudioDto } from './dto/send-audio.dto';
import type { SendButtonsDto } from './dto/send-buttons.dto';
import type { SendContactDto } from './dto/send-contact.dto';
import type { SendListDto } from './dto/send-list.dto';
import type { SendLocationDto } from './dto/send-location.dto';
import type { SendMediaDto } from './dto/send-media.dto';
import type { SendPollDto } from './dto/send-poll.dto';
import type { SendReactionDto } from './dto/send-reaction.dto';
import type { SendStatusDto } from './dto/send-status.dto';
import type { SendStickerDto } from './dto/send-sticker.dto';
import type { SendTemplateDto } from './dto/send-template.dto';
import type { SendTextDto } from './dto/send-text.dto';
import { SendMediaInput, OutgoingMediaService, Sender } from './outgoing-media.service';
import { contentOf, sendRequest, statusRecipients } from './send-request.factory';
import type { UploadedPart } from './uploaded-part';
import type { Normalized } from './v1-body.normalizer';

type Target = { id: string; name: string } & Sender;

/** The multipart `file` part when there is one (the body then has no media field), else the body's string. */
const mediaInput = (file: UploadedPart | undefined, raw: string, field: string): SendMediaInput => (file ? { file } : { raw, field });

const STATUS_RECIPIENT = { jid: 'status@broadcast', number: 'status@broadcast' };
/** A status is encrypted for every device of every recipient: beyond this, ask for a statusJidList. */
export const MAX_STATUS_RECIPIENTS = 5_000;

/**
 * The /message/send* routes (bodies already v2: see VersionedBody): media is loaded, and the
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

  text(instance: Target, dto: Normalized<SendTextDto>) {
    return this.send(instance, () => sendRequest(dto, contentOf.text(dto)));
  }

  /** `mediatype: audio` with `ptt: true` is a voice note, converted as sendWhatsAppAudio's. */
  mediaMessage(instance: Target, dto: Normalized<SendMediaDto>, file?: UploadedPart) {
    return this.send(instance, async () => {
      const input = mediaInput(file, dto.media, 'media');
      if (dto.mediatype === 'audio' && dto.ptt) {
        return sendRequest(dto, contentOf.voiceNote(await this.outgoing.voiceNote(this.senderOf(instance), input, dto)), 'recording');
      }
      const media = await this.outgoing.load(this.senderOf(instance), input, dto.mediatype === 'ptv' ? 'video' : dto.mediatype, dto);
      return sendRequest(dto, contentOf.media(dto, media), dto.mediatype === 'audio' ? 'recording' : 'composing');
    });
  }

  audio(instance: Target, dto: Normalized<SendAudioDto>, file?: UploadedPart) {
    return this.send(instance, async () => {
      const media = await this.outgoing.voiceNote(this.senderOf(instance), mediaInput(file, dto.audio, 'audio'), dto, dto.encoding !== false);
      return sendRequest(dto, contentOf.voiceNote(media), 'recording');
    });
  }

  sticker(instance: Target, dto: Normalized<SendStickerDto>, file?: UploadedPart) {
    return this.send(instance, async () => {
      const media = await this.outgoing.sticker(this.senderOf(instance), mediaInput(file, dto.sticker, 'sticker'));
      return sendRequest(dto, contentOf.sticker(media));
    });
  }

  location(instance: Target, dto: Normalized<SendLocationDto>) {
    return this.send(instance, () => sendRequest(dto, contentOf.location(dto)));
  }

  contact(instance: Target, dto: Normalized<SendContactDto>) {
    return this.send(instance, () => sendRequest(dto, contentOf.contacts(dto)));
  }

  reaction(instance: Target, dto: Normalized<SendReactionDto>) {
    return this.send(instance, () => sendRequest({ number: dto.key.remoteJid }, contentOf.reaction(dto)));
  }

  /** Cloud API instances only: the messenger refuses templates to a linked device (engine capability). */
  template(instance: Target, dto: Normalized<SendTemplateDto>) {
    // Nothing to fetch first, so no early connection check: the messenger refuses a template to a
    // linked device for that reason before it looks at the connection state.
    return this.lifecycle.send(instance, sendRequest(dto, contentOf.template(dto)));
  }

  poll(instance: Target, dto: Normalized<SendPollDto>) {
    return this.send(instance, () => sendRequest(dto, contentOf.poll(dto)));
  }

  list(instance: Target, dto: Normalized<SendListDto>) {
    return this.send(instance, () => sendRequest(dto, contentOf.list(dto)));
  }

  buttons(instance: Target, dto: Normalized<SendButtonsDto>) {
    return this.send(instance, async () => {
      const thumbnail = dto.thumbnailUrl ? await this.outgoing.load(this.senderOf(instance), { raw: dto.thumbnailUrl, field: 'thumbnailUrl' }, 'image') : undefined;
      return sendRequest(dto, contentOf.buttons(dto, thumbnail));
    });
  }

  status(instance: Target, dto: Normalized<SendStatusDto>, file?: UploadedPart) {
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
