/** File extension <-> mimetype for what people send over WhatsApp, and magic-byte sniffing. */
const BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  heic: 'image/heic',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  '3gp': 'video/3gpp',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  avi: 'video/x-msvideo',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  wav: 'audio/wav',
  amr: 'audio/amr',
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  xml: 'application/xml',
  html: 'text/html',
  zip: 'application/zip',
  rar: 'application/vnd.rar',
  '7z': 'application/x-7z-compressed',
  apk: 'application/vnd.android.package-archive',
};

/** Preferred extension per mimetype (for default file names). */
const EXTENSION_OF: Record<string, string> = Object.entries(BY_EXTENSION).reduce<Record<string, string>>((acc, [ext, mime]) => {
  acc[mime] ??= ext;
  return acc;
}, {});

export function mimetypeFromFileName(fileName: string | undefined): string | undefined {
  const ext = /\.([A-Za-z0-9]{1,5})$/.exec(fileName ?? '')?.[1]?.toLowerCase();
  return ext ? BY_EXTENSION[ext] : undefined;
}

export function extensionFor(mimetype: string): string | undefined {
  return EXTENSION_OF[mimetype.split(';')[0].trim().toLowerCase()];
}

/** Generic types that say nothing about the content. */
export function isGenericMimetype(mimetype: string | undefined): boolean {
  const base = mimetype?.split(';')[0].trim().toLowerCase();
  return !base || base === 'application/octet-stream' || base === 'binary/octet-stream' || base === 'application/unknown';
}

const startsWith = (buf: Buffer, bytes: number[], offset = 0) => bytes.every((b, i) => buf[offset + i] === b);
const ascii = (buf: Buffer, start: number, end: number) => buf.subarray(start, end).toString('latin1');

/** The type the first bytes declare, for the formats above that have a signature. */
export function sniffMimetype(buf: Buffer): string | undefined {
  if (buf.length < 4) return undefined;
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47])) return 'image/png';
  if (ascii(buf, 0, 4) === 'GIF8') return 'image/gif';
  if (ascii(buf, 0, 4) === 'RIFF' && ascii(buf, 8, 12) === 'WEBP') return 'image/webp';
  if (ascii(buf, 0, 4) === 'RIFF' && ascii(buf, 8, 12) === 'WAVE') return 'audio/wav';
  if (ascii(buf, 0, 4) === '%PDF') return 'application/pdf';
  if (ascii(buf, 0, 4) === 'OggS') return 'audio/ogg';
  if (ascii(buf, 0, 3) === 'ID3' || (buf[0] === 0xff && (buf[1] & 0xe0) === 0xe0 && (buf[1] & 0x06) !== 0)) return 'audio/mpeg';
  if (ascii(buf, 0, 6) === '#!AMR\n') return 'audio/amr';
  if (startsWith(buf, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm';
  if (ascii(buf, 4, 8) === 'ftyp') {
    const brand = ascii(buf, 8, 12);
    if (brand === 'M4A ') return 'audio/mp4';
    if (brand === 'qt  ') return 'video/quicktime';
    if (brand.startsWith('3gp')) return 'video/3gpp';
    if (brand === 'heic' || brand === 'mif1') return 'image/heic';
    return 'video/mp4';
  }
  if (startsWith(buf, [0x50, 0x4b, 0x03, 0x04])) return 'application/zip';
  return undefined;
}

const DEFAULT_MIMETYPE: Record<string, string> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/mpeg',
  document: 'application/octet-stream',
  sticker: 'image/webp',
};

export interface DescribedMedia {
  data: Buffer;
  mimetype: string;
  fileName?: string;
}

/**
 * Mimetype and file name of media about to be sent. The client's own values win (as in
 * Evolution); then the bytes' signature, what the source declared (data URI, Content-Type),
 * the file name's extension, and last a default per kind. Documents always get a name.
 */
export function describeMedia(
  data: Buffer,
  kind: keyof typeof DEFAULT_MIMETYPE,
  given: { mimetype?: string; fileName?: string } = {},
  found: { mimetype?: string; fileName?: string } = {},
): DescribedMedia {
  const fileName = given.fileName?.trim() || found.fileName;
  const sniffed = sniffMimetype(data);
  // zip also means docx/xlsx/apk…: let the declared type or the extension say which
  const telling = sniffed !== 'application/zip' ? sniffed : undefined;
  const declared = isGenericMimetype(found.mimetype) ? undefined : found.mimetype;
  const mimetype = given.mimetype?.trim() || telling || declared || mimetypeFromFileName(fileName) || sniffed || DEFAULT_MIMETYPE[kind];
  const name = fileName ?? (kind === 'document' ? `document.${extensionFor(mimetype) ?? 'bin'}` : undefined);
  return { data, mimetype, ...(name ? { fileName: name } : {}) };
}
