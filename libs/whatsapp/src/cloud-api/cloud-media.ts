import type { Dispatcher } from 'undici';
import type { StoredMessage } from '../chat-operations.port';
import type { MediaDownload } from '../whatsapp-engine.port';
import type { CloudCredentials } from './cloud-api.types';
import type { GraphApiClient } from './graph-api.client';

const MEDIA_TYPES = ['imageMessage', 'videoMessage', 'audioMessage', 'documentMessage', 'stickerMessage'];

/** Meta's media id a Cloud API message record carries (see cloud-inbound.normalizer). */
export function cloudMediaId(message: StoredMessage['message']): string | undefined {
  const content = message as Record<string, { mediaId?: unknown } | undefined> | null;
  const type = MEDIA_TYPES.find((t) => content?.[t]);
  const id = type ? content![type]!.mediaId : undefined;
  return typeof id === 'string' && id ? id : undefined;
}

/**
 * Inbound Cloud API media: media id -> download URL (GET /{media-id}) -> the bytes, both with
 * the instance's token, refusing anything above maxBytes (the declared size first, then what arrives).
 */
export async function downloadCloudMedia(
  graph: GraphApiClient,
  credentials: CloudCredentials,
  stored: StoredMessage,
  maxBytes: number,
  via?: Dispatcher,
): Promise<MediaDownload> {
  const mediaId = cloudMediaId(stored.message);
  if (!mediaId) return { ok: false, reason: 'not-media' };
  try {
    const info = await graph.mediaInfo(mediaId, credentials.accessToken, via);
    if (!info.url) return { ok: false, reason: 'download-failed', error: 'the Graph API gave no URL for the media' };
    if (info.file_size !== undefined && info.file_size > maxBytes) return { ok: false, reason: 'too-large', size: info.file_size };
    const data = await graph.downloadMedia(info.url, credentials.accessToken, maxBytes, via);
    return data ? { ok: true, data } : { ok: false, reason: 'too-large', size: info.file_size };
  } catch (err) {
    return { ok: false, reason: 'download-failed', error: (err as Error).message };
  }
}
