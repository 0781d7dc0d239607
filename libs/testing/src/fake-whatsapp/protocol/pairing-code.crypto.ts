import { createCipheriv, createDecipheriv, hkdfSync, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { KeyPair } from '@whiskeysockets/baileys';
import type { BaileysModule } from './baileys.loader';

/**
 * Primary-phone side of "link with phone number" (Baileys requestPairingCode and the
 * link_code_companion_reg notification in lib/Socket/messages-recv.js): ephemeral keys are
 * exchanged wrapped with AES-256-CTR under PBKDF2(code), then the companion sends its
 * identity in a key bundle from which both sides derive the advSecretKey.
 */
const pbkdf2Async = promisify(pbkdf2);
const PBKDF2_ITERATIONS = 2 << 16;

async function codeKey(code: string, salt: Buffer): Promise<Buffer> {
  return pbkdf2Async(Buffer.from(code, 'utf-8'), salt, PBKDF2_ITERATIONS, 32, 'sha256');
}

/** wrapped = salt(32) ‖ iv(16) ‖ AES-CTR(publicKey(32)) */
export async function unwrapEphemeralKey(wrapped: Buffer, code: string): Promise<Buffer> {
  if (wrapped.length < 80) throw new Error('wrapped ephemeral key too short');
  const key = await codeKey(code, wrapped.subarray(0, 32));
  const decipher = createDecipheriv('aes-256-ctr', key, wrapped.subarray(32, 48));
  return Buffer.concat([decipher.update(wrapped.subarray(48, 80)), decipher.final()]);
}

export async function wrapEphemeralKey(publicKey: Uint8Array, code: string): Promise<Buffer> {
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const key = await codeKey(code, salt);
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  return Buffer.concat([salt, iv, cipher.update(publicKey), cipher.final()]);
}

export interface OpenedKeyBundle {
  companionIdentityKey: Buffer;
  advSecretKey: Buffer;
}

/** bundle = salt(32) ‖ iv(12) ‖ AES-GCM(companionIdentity ‖ primaryIdentity ‖ random(32)) */
export function openKeyBundle(
  baileys: BaileysModule,
  input: { bundle: Buffer; primaryEphemeral: KeyPair; companionEphemeralKey: Buffer; accountIdentity: KeyPair },
): OpenedKeyBundle {
  const { Curve } = baileys;
  const companionShared = Curve.sharedKey(input.primaryEphemeral.private, input.companionEphemeralKey);
  const key = Buffer.from(
    hkdfSync('sha256', companionShared, input.bundle.subarray(0, 32), 'link_code_pairing_key_bundle_encryption_key', 32),
  );
  const sealed = input.bundle.subarray(44);
  const decipher = createDecipheriv('aes-256-gcm', key, input.bundle.subarray(32, 44));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  const companionIdentityKey = plain.subarray(0, 32);
  if (!plain.subarray(32, 64).equals(Buffer.from(input.accountIdentity.public))) {
    throw new Error('key bundle names another primary identity');
  }
  const identityShared = Curve.sharedKey(input.accountIdentity.private, companionIdentityKey);
  const advSecretKey = Buffer.from(
    hkdfSync('sha256', Buffer.concat([companionShared, identityShared, plain.subarray(64, 96)]), Buffer.alloc(0), 'adv_secret', 32),
  );
  return { companionIdentityKey: Buffer.from(companionIdentityKey), advSecretKey };
}
