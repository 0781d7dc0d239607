import { Injectable } from '@nestjs/common';
import { badRequest } from '@gw/common';
import { StickerConverter, VoiceNoteConverter } from '@gw/media';
import { CLOUD_API_INTEGRATION, type OutgoingMedia } from '@gw/whatsapp';
import { MediaKind, MediaLoader } from './media.loader';
import type { Dispatcher } from 'undici';
import type { UploadedPart } from './uploaded-part';

/** Where a send's media comes from: the body's string (URL, data URI, base64) or the multipart `file`. */
export type SendMediaInput = { raw: string; field: string } | { file: UploadedPart };

type Given = { mimetype?: string; fileName?: string };

/** Which instance sends: Cloud API numbers send media by link, so their bytes are not converted. */
export interface Sender {
  integration?: string;
  /** The instance's proxy (its session's fetch dispatcher): media URLs are fetched through it. */
  fetchVia?: Dispatcher;
}

const fieldOf = (input: SendMediaInput) => ('file' in input ? 'file' : input.field);

/**
 * The media of a send, ready for the engine: loaded as given, or converted where WhatsApp
 * needs a format of its own (voice notes: OGG/Opus with length and waveform; stickers:
 * 512x512 WebP). Conversion is skipped, and the media sent as given, when its tool is
 * missing (the boot log says so) or when the instance is a Cloud API number.
 */
@Injectable()
export class OutgoingMediaService {
  constructor(
    private readonly loader: MediaLoader,
    private readonly voiceNotes: VoiceNoteConverter,
    private readonly stickers: StickerConverter,
  ) {}

  load(sender: Sender, input: SendMediaInput, kind: MediaKind, given: Given = {}): Promise<OutgoingMedia> {
    if ('file' in input) return Promise.resolve(this.loader.fromUpload(input.file, kind, given));
    return this.loader.load(input.raw, kind, given, input.field, sender.fetchVia);
  }

  /** `convert: false` is Evolution's `encoding: false`: the bytes go as given. */
  async voiceNote(sender: Sender, input: SendMediaInput, given: Given = {}, convert = true): Promise<OutgoingMedia> {
    const media = await this.load(sender, input, 'audio', given);
    if (!convert || !this.voiceNotes.enabled || isCloud(sender)) return media;
    const note = await this.voiceNotes.convert(media, fieldOf(input));
    // `url` no longer describes these bytes
    return { data: note.data, mimetype: note.mimetype, seconds: note.seconds, waveform: note.waveform };
  }

  async sticker(sender: Sender, input: SendMediaInput): Promise<OutgoingMedia> {
    const media = await this.load(sender, input, 'sticker');
    const field = fieldOf(input);
    if (isCloud(sender) || !this.stickers.enabled) {
      // WhatsApp shows only WebP stickers; without sharp we cannot make one
      if (media.mimetype !== 'image/webp') throw badRequest(`${field}: sticker must be a WebP image (got ${media.mimetype})`);
      return media;
    }
    const sticker = await this.stickers.convert(media, field);
    return { data: sticker.data, mimetype: sticker.mimetype };
  }
}

const isCloud = (sender: Sender) => sender.integration === CLOUD_API_INTEGRATION;
