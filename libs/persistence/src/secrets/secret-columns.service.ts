import { Injectable } from '@nestjs/common';
import { SecretCipher, TokenHasher, secretContext } from '@gw/crypto';
import type { Instance, Webhook } from '../persistence.types';

type HeaderMap = Record<string, string>;

/**
 * The encrypted columns of Instance and Webhook, in one place: repositories encrypt what they
 * write and hand callers decrypted rows, so nothing above the persistence layer sees ciphertext.
 */
@Injectable()
export class SecretColumns {
  constructor(
    readonly cipher: SecretCipher,
    readonly tokens: TokenHasher,
  ) {}

  tokenColumns(instanceId: string, token: string): { token: string; tokenHash: string } {
    return { token: this.cipher.encrypt(token, secretContext.instanceToken(instanceId)), tokenHash: this.tokens.hash(token) };
  }

  encryptAccessToken(instanceId: string, accessToken: string | null | undefined): string | null {
    return this.cipher.encryptNullable(accessToken, secretContext.accessToken(instanceId));
  }

  /** An Instance row as callers expect it: token and access token in plaintext. */
  instance<T extends Pick<Instance, 'id' | 'token'> & Partial<Pick<Instance, 'accessToken'>>>(row: T): T {
    return {
      ...row,
      token: this.cipher.decrypt(row.token, secretContext.instanceToken(row.id)),
      ...(row.accessToken !== undefined ? { accessToken: this.cipher.decryptNullable(row.accessToken, secretContext.accessToken(row.id)) } : {}),
    };
  }

  encryptSecret(instanceId: string, secret: string | null | undefined): string | null | undefined {
    return secret === undefined ? undefined : this.cipher.encryptNullable(secret, secretContext.webhookSecret(instanceId));
  }

  encryptPreviousSecret(instanceId: string, secret: string | null): string | null {
    return this.cipher.encryptNullable(secret, secretContext.webhookPreviousSecret(instanceId));
  }

  /** Header values are encrypted one by one; the names stay readable (find routes list them). */
  encryptHeaders(instanceId: string, headers: HeaderMap | null | undefined): HeaderMap | null {
    if (!headers) return null;
    return Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name, this.cipher.encrypt(String(value), secretContext.webhookHeader(instanceId, name))]),
    );
  }

  decryptHeaders(instanceId: string, headers: unknown): HeaderMap | null {
    if (!headers || typeof headers !== 'object' || Array.isArray(headers)) return null;
    return Object.fromEntries(
      Object.entries(headers as Record<string, unknown>).map(([name, value]) => [
        name,
        typeof value === 'string' ? this.cipher.decrypt(value, secretContext.webhookHeader(instanceId, name)) : String(value),
      ]),
    );
  }

  /** A Webhook row with its signing secrets and header values in plaintext. */
  webhook<T extends Pick<Webhook, 'instanceId'> & Partial<Pick<Webhook, 'secret' | 'previousSecret' | 'headers'>>>(row: T): T;
  webhook<T extends Pick<Webhook, 'instanceId'> & Partial<Pick<Webhook, 'secret' | 'previousSecret' | 'headers'>>>(row: T | null): T | null;
  webhook<T extends Pick<Webhook, 'instanceId'> & Partial<Pick<Webhook, 'secret' | 'previousSecret' | 'headers'>>>(row: T | null): T | null {
    if (!row) return null;
    const out = { ...row };
    if (row.secret !== undefined) out.secret = this.cipher.decryptNullable(row.secret, secretContext.webhookSecret(row.instanceId));
    if (row.previousSecret !== undefined) {
      out.previousSecret = this.cipher.decryptNullable(row.previousSecret, secretContext.webhookPreviousSecret(row.instanceId));
    }
    if (row.headers !== undefined) out.headers = this.decryptHeaders(row.instanceId, row.headers);
    return out;
  }
}
