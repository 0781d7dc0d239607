/**
 * What a `media` string is, the way Evolution reads it: an http(s) URL, a data URI, or bare
 * base64. Anything else is refused with Evolution's own message.
 */
export type MediaSource =
  | { type: 'url'; url: URL }
  | { type: 'inline'; data: Buffer; mimetype?: string };

export class MediaSourceError extends Error {}

export const NOT_URL_OR_BASE64 = 'Owned media must be a url or base64';

const DATA_URI = /^data:([^,]*?),(.*)$/is;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64_URL = /^[A-Za-z0-9_-]+={0,2}$/;

export function parseMediaSource(raw: string): MediaSource {
  const value = raw.trim();
  if (/^https?:\/\//i.test(value)) {
    try {
      return { type: 'url', url: new URL(value) };
    } catch {
      throw new MediaSourceError(`media is not a valid URL: ${value.slice(0, 100)}`);
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw new MediaSourceError('media URLs must be http or https');
  const dataUri = DATA_URI.exec(value);
  if (dataUri) return dataUriSource(dataUri[1], dataUri[2]);
  return { type: 'inline', data: decodeBase64(value) };
}

function dataUriSource(meta: string, payload: string): MediaSource {
  const parts = meta.split(';').map((p) => p.trim());
  const isBase64 = parts.some((p) => p.toLowerCase() === 'base64');
  const params = parts.slice(1).filter((p) => p.toLowerCase() !== 'base64');
  const mimetype = parts[0] ? [parts[0].toLowerCase(), ...params].join('; ') : undefined;
  let data: Buffer;
  if (isBase64) {
    data = decodeBase64(payload);
  } else {
    try {
      data = Buffer.from(decodeURIComponent(payload), 'utf8');
    } catch {
      throw new MediaSourceError('media data URI is not correctly percent-encoded');
    }
  }
  return { type: 'inline', data, ...(mimetype ? { mimetype } : {}) };
}

/** Standard or URL-safe base64, line breaks allowed; empty or malformed input is refused. */
export function decodeBase64(text: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (!compact || compact.length % 4 === 1 || !(BASE64.test(compact) || BASE64_URL.test(compact))) {
    throw new MediaSourceError(NOT_URL_OR_BASE64);
  }
  const data = Buffer.from(compact, BASE64.test(compact) ? 'base64' : 'base64url');
  if (!data.length) throw new MediaSourceError(NOT_URL_OR_BASE64);
  return data;
}

/** The last path segment of a URL when it looks like a file name (has an extension). */
export function fileNameFromUrl(url: URL): string | undefined {
  const last = url.pathname.split('/').filter(Boolean).pop();
  if (!last) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(last);
  } catch {
    name = last;
  }
  return /\.[A-Za-z0-9]{1,5}$/.test(name) ? name : undefined;
}

/** filename / filename* of a Content-Disposition header. */
export function fileNameFromDisposition(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      /* fall through to the plain form */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
  return plain?.[1]?.trim() || undefined;
}
