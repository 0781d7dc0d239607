import type { WAMessage, WASocket } from '@whiskeysockets/baileys';
import { withTimeout } from '@gw/common';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { MediaDownload } from '../whatsapp-engine.port';
import type { Baileys } from './baileys.loader';
import { toNumber } from './proto-json.util';

const MEDIA_TYPES = ['imageMessage', 'videoMessage', 'audioMessage', 'documentMessage', 'stickerMessage', 'ptvMessage'];
const DOWNLOAD_TIMEOUT_MS = 15_000;

/** The media part of a message (unwrapping ephemeral/view-once/document-with-caption), if any. */
export function mediaContent(baileys: Baileys, msg: WAMessage): { type: string; fileLength: number } | undefined {
  const content = baileys.normalizeMessageContent(msg.message) as Record<string, { fileLength?: unknown } | undefined> | undefined;
  const type = MEDIA_TYPES.find((t) => content?.[t]);
  return type ? { type, fileLength: toNumber(content![type]!.fileLength) } : undefined;
}

/**
 * Downloads and decrypts a message's media, refusing anything above maxBytes (checked
 * against the declared size first, then against what actually arrived).
 */
export async function downloadMedia(
  baileys: Baileys,
  sock: WASocket,
  msg: WAMessage,
  maxBytes: number,
  logger: Logger,
  /** The instance proxy's dispatcher, when it has one. */
  dispatcher?: Dispatcher,
): Promise<MediaDownload> {
  const media = mediaContent(baileys, msg);
  if (!media) return { ok: false, reason: 'not-media' };
  if (media.fileLength > maxBytes) return { ok: false, reason: 'too-large', size: media.fileLength };
  try {
    const data = await withTimeout(
      (async () => {
        const opts = dispatcher ? { options: { dispatcher } as never } : {};
        const stream = await baileys.downloadMediaMessage(msg, 'stream', opts, { logger, reuploadRequest: sock.updateMediaMessage });
        return collect(stream, media.fileLength, maxBytes);
      })(),
      DOWNLOAD_TIMEOUT_MS,
      'media download',
    );
    if (!data) return { ok: false, reason: 'too-large', size: media.fileLength || undefined };
    return { ok: true, data };
  } catch (err) {
    return { ok: false, reason: 'download-failed', error: (err as Error).message };
  }
}

/**
 * The decrypted stream into one buffer of the declared size, so the media is held once (chunks
 * are copied in and dropped; collecting them and concatenating would hold it twice). Undefined
 * as soon as more than maxBytes arrive.
 */
async function collect(stream: AsyncIterable<Buffer> & { destroy(): void }, declared: number, maxBytes: number): Promise<Buffer | undefined> {
  let out = Buffer.allocUnsafe(Math.min(Math.max(declared, 64 * 1024), maxBytes));
  let size = 0;
  for await (const chunk of stream) {
    if (size + chunk.length > maxBytes) {
      stream.destroy();
      return undefined;
    }
    // A file larger than declared (rare): grow once, doubling.
    if (size + chunk.length > out.length) out = Buffer.concat([out.subarray(0, size)], Math.min(Math.max(out.length * 2, size + chunk.length), maxBytes));
    chunk.copy(out, size);
    size += chunk.length;
  }
  return size === out.length ? out : out.subarray(0, size);
}
