import { createHash, createHmac } from 'node:crypto';
import { KeyRing } from './key-ring';

/** Lookup hash of a token written without any key (development); also how the upgrade migration fills old rows. */
const UNKEYED = 'sha256';

/**
 * Keyed hashes of instance tokens, so the apikey lookup finds a row by an index without
 * decrypting every token. Stored as `<key id>:<hex HMAC-SHA256>`; the caller still compares the
 * decrypted token in constant time.
 */
export class TokenHasher {
  constructor(private readonly ring: KeyRing) {}

  /** The hash stored with a token written now (primary key, or unkeyed without a key). */
  hash(token: string): string {
    const primary = this.ring.primary;
    return primary ? this.keyed(primary.id, token) : `${UNKEYED}:${createHash('sha256').update(token, 'utf8').digest('hex')}`;
  }

  /** Every hash a stored row of this token may carry: under each key of the ring, and unkeyed (rows not rotated yet). */
  candidates(token: string): string[] {
    return [...this.ring.ids.map((id) => this.keyed(id, token)), `${UNKEYED}:${createHash('sha256').update(token, 'utf8').digest('hex')}`];
  }

  /** True when a stored hash was made with the primary key (rotation skips it). */
  isCurrent(stored: string): boolean {
    const primary = this.ring.primary;
    return stored.startsWith(`${primary ? primary.id : UNKEYED}:`);
  }

  private keyed(id: string, token: string): string {
    return `${id}:${createHmac('sha256', this.ring.lookupKey(id)!).update(token, 'utf8').digest('hex')}`;
  }
}
