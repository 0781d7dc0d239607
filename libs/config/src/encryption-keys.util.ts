/** One AES-256 key of the deployment's key ring (ENCRYPTION_KEYS). */
export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export class KeyRingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyRingError';
  }
}

/**
 * Parses ENCRYPTION_KEYS: `id:base64key` entries separated by commas, spaces or newlines (a
 * mounted secret file may hold one per line). The first entry encrypts new values; the others
 * only decrypt (a key being rotated out).
 */
export function parseEncryptionKeys(text: string | undefined): EncryptionKey[] {
  const entries = (text ?? '').split(/[\s,]+/).filter(Boolean);
  const keys: EncryptionKey[] = [];
  for (const entry of entries) {
    const sep = entry.indexOf(':');
    const id = sep > 0 ? entry.slice(0, sep) : '';
    // Never echo the entry itself: it is key material.
    if (!KEY_ID_PATTERN.test(id)) {
      throw new KeyRingError(`entry ${keys.length + 1} must look like id:base64key (id: letters, digits, _ or -, max 32)`);
    }
    const key = Buffer.from(entry.slice(sep + 1), 'base64');
    if (key.length !== 32) {
      throw new KeyRingError(`key "${id}" must be 32 bytes of base64 (got ${key.length}); generate one with: openssl rand -base64 32`);
    }
    if (id === 'sha256') throw new KeyRingError('key id "sha256" is reserved');
    if (keys.some((k) => k.id === id)) throw new KeyRingError(`key id "${id}" appears twice`);
    keys.push({ id, key });
  }
  return keys;
}

