import { Injectable } from '@nestjs/common';
import { badRequest } from '@gw/common';
import { MediaStorage } from '@gw/media';
import { MessageRepository } from '@gw/persistence';
import type { Json, MediaDownload, StoredMessage } from '@gw/whatsapp';
import { MAX_MEDIA_BYTES } from '../message/media.loader';
import { ChatSessionService, Target } from './chat-session.service';
import { GetBase64Dto } from './dto/media-message.dto';

const MEDIA_TYPES = ['imageMessage', 'videoMessage', 'audioMessage', 'documentMessage', 'stickerMessage', 'ptvMessage'];
/** Wrappers whose inner `message` holds the media. */
const WRAPPERS = ['ephemeralMessage', 'viewOnceMessage', 'viewOnceMessageV2', 'viewOnceMessageV2Extension', 'documentWithCaptionMessage'];

type MediaFields = { fileName?: string; caption?: string; mimetype?: string; fileLength?: unknown; height?: number; width?: number };

function unwrap(message: Json | null): Record<string, unknown> | undefined {
  let content = message as Record<string, unknown> | null;
  for (let depth = 0; content && depth < 3; depth += 1) {
    const wrapper = WRAPPERS.find((w) => (content![w] as { message?: unknown } | undefined)?.message);
    if (!wrapper) break;
    content = (content[wrapper] as { message: Record<string, unknown> }).message;
  }
  return content ?? undefined;
}

function explain(result: Exclude<MediaDownload, { ok: true }>): string {
  if (result.reason === 'too-large') return `The media is too large (${result.size} bytes; limit ${MAX_MEDIA_BYTES})`;
  if (result.reason === 'not-media') return 'The message is not of the media type';
  return `Error: could not download the media (${result.error ?? result.reason})`;
}

/** getBase64FromMediaMessage: a stored (or given) message's media, from media storage or downloaded and decrypted. */
@Injectable()
export class MediaBase64UseCase {
  constructor(
    private readonly sessions: ChatSessionService,
    private readonly messages: MessageRepository,
    private readonly storage: MediaStorage,
  ) {}

  execute(instance: Target, dto: GetBase64Dto) {
    return this.sessions.run(instance, async (rt) => {
      const { key } = dto.message;
      const given = dto.message.message as Json | undefined;
      const stored: StoredMessage | null = given
        ? { key: { remoteJid: key.remoteJid ?? '', fromMe: key.fromMe ?? false, id: key.id, participant: key.participant }, message: given }
        : await this.messages.findByKeyId(instance.id, key.id);
      if (!stored) throw badRequest('Message not found');
      const content = unwrap(stored.message);
      const mediaType = MEDIA_TYPES.find((t) => content?.[t]);
      if (!mediaType) throw badRequest('The message is not of the media type');
      const media = content![mediaType] as MediaFields;

      // stored media first (no trip to WhatsApp); then the engine's recent cache; older messages from the store
      const kept = await this.storage.read(instance.id, key.id);
      let result: MediaDownload = kept ? { ok: true, data: kept } : await rt.session.downloadMedia(key.id, MAX_MEDIA_BYTES);
      if (!result.ok && result.reason === 'unknown-message') result = await rt.session.chat.downloadStoredMedia(stored, MAX_MEDIA_BYTES);
      if (!result.ok) throw badRequest(explain(result));
      return {
        mediaType,
        fileName: media.fileName ?? null,
        caption: media.caption ?? null,
        size: { fileLength: Number(media.fileLength ?? result.data.length), height: media.height ?? 0, width: media.width ?? 0 },
        mimetype: media.mimetype ?? null,
        base64: result.data.toString('base64'),
        buffer: null,
      };
    });
  }
}
