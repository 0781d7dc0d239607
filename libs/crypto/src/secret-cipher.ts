import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeyRing } from './key-ring';

/** Stored form: enc:v1:<key id>:<base64(nonce ‖ tag ‖ ciphertext)>. Anything else is plaintext (not yet encrypted). */
export const ENCRYPTED_PREFIX = 'enc:v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export type DecryptFailure = 'unknown-key' | 'wrong-row-or-key' | 'malformed';

/** A stored value that cannot be decrypted; the message never contains the value. */
export class SecretDecryptError extends Error {
  constructor(
    readonly reason: DecryptFailure,
    readonly keyId: string | undefined,
    readonly context: string,
  ) {
    super(
      reason === 'unknown-key'
        ? `${context}: encrypted with key "${keyId}", which is not in ENCRYPTION_KEYS`
        : reason === 'malformed'
          ? `${context}: the stored encrypted value is malformed`
          : `${context}: cannot be decrypted (it belongs to another row, or key "${keyId}" is not the key it was encrypted with)`,
    );
    this.name = 'SecretDecryptError';
  }
}

export function isEncrypted(stored: string): boolean {
  return stored.startsWith(ENCRYPTED_PREFIX);
}

/** The key id a stored value was encrypted with; undefined for plaintext. */
export function keyIdOf(stored: string): string | undefined {
  if (!isEncrypted(stored)) return undefined;
  const end = stored.indexOf(':', ENCRYPTED_PREFIX.length);
  return end < 0 ? undefined : stored.slice(ENCRYPTED_PREFIX.length, end);
}

/**
 * AES-256-GCM over single values. `context` names the row and column the value lives in
 * (e.g. `AuthKey:<instance>:session:<id>`) and is bound as associated data: a value copied
 * to another row fails authentication instead of decrypting there.
 */
export class SecretCipher {
  constructor(readonly ring: KeyRing) {}

  /** No key configured: values are stored as given (development). */
  static disabled(): SecretCipher {
    return new SecretCipher(new KeyRing([]));
  }

  get enabled(): boolean {
    return this.ring.enabled;
  }

  encrypt(plaintext: string, context: string): string {
    const key = this.ring.primary;
    if (!key) return plaintext;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.key, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${ENCRYPTED_PREFIX}${key.id}:${Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  /** Plaintext (a row written before a key existed) passes through unchanged. */
  decrypt(stored: string, context: string): string {
    if (!isEncrypted(stored)) return stored;
    const keyId = keyIdOf(stored);
    if (keyId === undefined) throw new SecretDecryptError('malformed', undefined, context);
    const key = this.ring.get(keyId);
    if (!key) throw new SecretDecryptError('unknown-key', keyId, context);
    const raw = Buffer.from(stored.slice(ENCRYPTED_PREFIX.length + keyId.length + 1), 'base64');
    if (raw.length < NONCE_BYTES + TAG_BYTES) throw new SecretDecryptError('malformed', keyId, context);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, raw.subarray(0, NONCE_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(raw.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptError('wrong-row-or-key', keyId, context);
    }
  }

  encryptNullable(plaintext: string | null | undefined, context: string): string | null {
    return plaintext === null || plaintext === undefined ? null : this.encrypt(plaintext, context);
  }

  decryptNullable(stored: string | null | undefined, context: string): string | null {
    return stored === null || stored === undefined ? null : this.decrypt(stored, context);
  }

  /** True when the value is already encrypted with the primary key (nothing for rotation to do). */
  isCurrent(stored: string): boolean {
    const primary = this.ring.primary;
    return primary ? keyIdOf(stored) === primary.id : !isEncrypted(stored);
  }
}
