import type { Logger } from '@nestjs/common';
import type { EngineMessage, Json, MediaDownload } from '@gw/whatsapp';

/** What the pipeline needs from media storage (libs/media's MediaStorage fits). */
export interface MediaKeeper {
  /** S3 on: every media message is stored; off: only media someone asked for. */
  readonly storesEverything: boolean;
  readonly maxBytes: number;
  keep(instanceId: string, messageId: string, data: Buffer, contentType: string): Promise<{ mediaUrl: string }>;
}

export interface MediaPartsDeps {
  instanceId: string;
  instanceName: string;
  logger: Logger;
  /** Whether the instance webhook asks for media as base64 (webhookBase64). */
  wantsBase64: () => Promise<boolean>;
  base64MaxBytes: number;
  /** The engine's download of a message's media (Baileys: by id from its recent messages; Cloud API: by media id). */
  downloadMedia: (message: EngineMessage, maxBytes: number) => Promise<MediaDownload>;
  storage?: MediaKeeper;
}

const MEDIA_TYPES = ['imageMessage', 'videoMessage', 'audioMessage', 'documentMessage', 'stickerMessage', 'ptvMessage'];
const WRAPPERS = ['ephemeralMessage', 'viewOnceMessage', 'viewOnceMessageV2', 'viewOnceMessageV2Extension', 'documentWithCaptionMessage'];

/** The mimetype a message declares for its media (through ephemeral/view-once wrappers). */
export function declaredMimetype(message: Json | null | undefined): string {
  let content = message as Record<string, unknown> | null | undefined;
  for (let depth = 0; content && depth < 4; depth += 1) {
    const type = MEDIA_TYPES.find((t) => content![t]);
    if (type) return String((content[type] as { mimetype?: unknown }).mimetype ?? 'application/octet-stream').split(';')[0].trim();
    const wrapper = WRAPPERS.find((w) => (content![w] as { message?: unknown } | undefined)?.message);
    content = wrapper ? (content[wrapper] as { message: Record<string, unknown> }).message : undefined;
  }
  return 'application/octet-stream';
}

/**
 * The media fields a message record gains: `mediaUrl` when the media is stored, `base64` when the
 * webhook asks for it and it fits WEBHOOK_BASE64_MAX_BYTES (else `base64: null` and why). The
 * media is downloaded once and held once.
 */
export class MediaParts {
  constructor(private readonly deps: MediaPartsDeps) {}

  /** `content` is the record's message (its declared mimetype names the stored file's type). */
  async of(m: EngineMessage, content: Json | null): Promise<Record<string, unknown>> {
    const { storage, base64MaxBytes } = this.deps;
    const messageId = m.key.id;
    const base64 = await this.deps.wantsBase64().catch(() => false);
    if (!base64 && !storage?.storesEverything) return {};
    const media = await this.deps.downloadMedia(m, Math.max(storage?.maxBytes ?? 0, base64 ? base64MaxBytes : 0));
    if (!media.ok) {
      const { ok: _ok, ...why } = media;
      return base64 ? { base64: null, base64Omitted: why } : {};
    }
    const parts: Record<string, unknown> = {};
    if (storage) {
      try {
        Object.assign(parts, await storage.keep(this.deps.instanceId, messageId, media.data, declaredMimetype(content)));
      } catch (err) {
        this.deps.logger.warn(`instance ${this.deps.instanceName}: could not store the media of ${messageId}: ${(err as Error).message}`);
      }
    }
    if (base64) {
      Object.assign(
        parts,
        media.data.length <= base64MaxBytes
          ? { base64: media.data.toString('base64') }
          : { base64: null, base64Omitted: { reason: 'too-large', size: media.data.length } },
      );
    }
    return parts;
  }
}
