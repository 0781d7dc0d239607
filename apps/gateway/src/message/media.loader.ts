import { Injectable } from '@nestjs/common';
import { badRequest } from '@gw/common';
import type { OutgoingMedia } from '@gw/whatsapp';
import type { Dispatcher } from 'undici';
import { MediaFetcher, tooLarge } from './media-fetcher.service';
import { MediaSource, MediaSourceError, fileNameFromUrl, parseMediaSource } from './media-source.util';
import { describeMedia } from './media-type.util';
import type { UploadedPart } from './uploaded-part';

/** Evolution accepts request bodies up to 136 MB; what we send is capped well below WhatsApp's 100 MB documents. */
export const MAX_MEDIA_BYTES = 64 * 1024 * 1024;

export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

/** Turns a `media` string (URL, data URI or base64) into bytes with a mimetype and file name. */
@Injectable()
export class MediaLoader {
  constructor(private readonly fetcher: MediaFetcher) {}

  /** `via`: the instance's proxy (its session's fetchDispatcher); URLs are then fetched through it. */
  async load(
    raw: string,
    kind: MediaKind,
    given: { mimetype?: string; fileName?: string } = {},
    field = 'media',
    via?: Dispatcher,
  ): Promise<OutgoingMedia> {
    let source: MediaSource;
    try {
      source = parseMediaSource(raw);
    } catch (err) {
      throw badRequest(err instanceof MediaSourceError ? `${field}: ${err.message}` : String(err));
    }
    if (source.type === 'url') {
      const got = await this.fetcher.fetch(source.url, MAX_MEDIA_BYTES, field, via);
      const media = describeMedia(got.data, kind, given, { mimetype: got.contentType, fileName: got.fileName ?? fileNameFromUrl(source.url) });
      return { ...media, url: source.url.href };
    }
    if (source.data.length > MAX_MEDIA_BYTES) throw badRequest(tooLarge(field, MAX_MEDIA_BYTES));
    return describeMedia(source.data, kind, given, { mimetype: source.mimetype });
  }

  /** A multipart `file` part (already size-capped while it streamed in). */
  fromUpload(file: UploadedPart, kind: MediaKind, given: { mimetype?: string; fileName?: string } = {}): OutgoingMedia {
    if (!file.data.length) throw badRequest('file: the uploaded file is empty');
    return describeMedia(file.data, kind, given, { mimetype: file.mimetype, fileName: file.fileName });
  }
}
