import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** What a gateway-served media URL grants: one object, one content type, until `expires` (unix seconds). */
export interface MediaGrant {
  key: string;
  contentType: string;
  expires: number;
}

/**
 * Signs the gateway's own media URLs: HMAC-SHA256 over key, content type and expiry, with a key
 * derived (HKDF) from the deployment's secret, so a URL cannot be forged, widened or extended.
 */
export class MediaUrlSigner {
  private readonly key: Buffer;

  constructor(secret: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'wa-gateway media url v1', 32));
  }

  sign(grant: MediaGrant): string {
    return createHmac('sha256', this.key).update(`${grant.key}\n${grant.contentType}\n${grant.expires}`).digest('base64url');
  }

  /** True when the signature matches and the grant has not expired. */
  verify(grant: MediaGrant, signature: string, nowS = Math.floor(Date.now() / 1000)): boolean {
    if (!Number.isSafeInteger(grant.expires) || grant.expires < nowS) return false;
    const expected = Buffer.from(this.sign(grant));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
