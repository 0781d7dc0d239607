import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';

/** The multipart file as multer holds it. */
interface FilePart {
  buffer: Buffer;
  mimetype?: string;
  originalname?: string;
}

/**
 * What makes two requests "the same" for an Idempotency-Key: the route, the body with its
 * keys in a stable order (a client that re-serialises its JSON is still sending the same
 * request), and an uploaded file's bytes and declared name and type.
 */
export function requestFingerprint(route: string, body: unknown, file?: FilePart): string {
  const hash = createHash('sha256').update(route).update('\0').update(stringify(body ?? null) ?? '');
  if (file) hash.update('\0').update(stringify({ name: file.originalname, type: file.mimetype }) ?? '').update(file.buffer);
  return hash.digest('base64url');
}
