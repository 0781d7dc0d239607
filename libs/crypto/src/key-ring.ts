import { createHash, hkdfSync } from 'node:crypto';
import type { EncryptionKey } from '@gw/config';

/** The keys a process holds: the primary encrypts, every key decrypts the values carrying its id. */
export class KeyRing {
  private readonly byId: Map<string, EncryptionKey>;
  private readonly lookupKeys: Map<string, Buffer>;

  constructor(readonly keys: readonly EncryptionKey[]) {
    this.byId = new Map(keys.map((k) => [k.id, k]));
    // A separate key for token lookup hashes, so the HMAC never reuses the cipher key itself.
    this.lookupKeys = new Map(keys.map((k) => [k.id, Buffer.from(hkdfSync('sha256', k.key, Buffer.alloc(0), 'wa-gateway token lookup', 32))]));
  }

  get enabled(): boolean {
    return this.keys.length > 0;
  }

  get primary(): EncryptionKey | undefined {
    return this.keys[0];
  }

  get ids(): string[] {
    return this.keys.map((k) => k.id);
  }

  get(id: string): EncryptionKey | undefined {
    return this.byId.get(id);
  }

  lookupKey(id: string): Buffer | undefined {
    return this.lookupKeys.get(id);
  }

  /** A short non-secret fingerprint for logs ("which key is this"). */
  static fingerprint(key: Buffer): string {
    return createHash('sha256').update(key).digest('hex').slice(0, 8);
  }
}
