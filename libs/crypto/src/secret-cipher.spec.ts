import { randomBytes } from 'node:crypto';
import { parseEncryptionKeys } from '@gw/config';
import { KeyRing } from './key-ring';
import { SecretCipher, SecretDecryptError, keyIdOf } from './secret-cipher';
import { TokenHasher } from './token-hash';

const key = (id: string) => ({ id, key: randomBytes(32) });

describe('SecretCipher', () => {
  const k1 = key('k1');
  const k2 = key('k2');

  it('encrypts with the primary key, a fresh nonce per value, and decrypts with any key of the ring', () => {
    const cipher = new SecretCipher(new KeyRing([k1]));
    const a = cipher.encrypt('{"noiseKey":"secret"}', 'AuthCred.creds:i1');
    const b = cipher.encrypt('{"noiseKey":"secret"}', 'AuthCred.creds:i1');
    expect(a).toMatch(/^enc:v1:k1:/);
    expect(a).not.toBe(b); // random nonce
    expect(a).not.toContain('secret');
    expect(keyIdOf(a)).toBe('k1');
    expect(cipher.decrypt(a, 'AuthCred.creds:i1')).toBe('{"noiseKey":"secret"}');
    // after rotation the new key encrypts, the old one still decrypts
    const rotated = new SecretCipher(new KeyRing([k2, k1]));
    expect(rotated.decrypt(a, 'AuthCred.creds:i1')).toBe('{"noiseKey":"secret"}');
    expect(rotated.isCurrent(a)).toBe(false);
    expect(rotated.isCurrent(rotated.encrypt('x', 'c'))).toBe(true);
  });

  it('refuses a value moved to another row, a tampered value and an unknown key id, without echoing the value', () => {
    const cipher = new SecretCipher(new KeyRing([k1]));
    const stored = cipher.encrypt('token-123', 'Instance.token:a');
    expect(() => cipher.decrypt(stored, 'Instance.token:b')).toThrow(SecretDecryptError);
    expect(() => cipher.decrypt(stored, 'Instance.token:b')).toThrow(/another row/);
    const tampered = stored.slice(0, -4) + (stored.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(() => cipher.decrypt(tampered, 'Instance.token:a')).toThrow(SecretDecryptError);
    const other = new SecretCipher(new KeyRing([k2]));
    try {
      other.decrypt(stored, 'Instance.token:a');
      throw new Error('decrypted');
    } catch (err) {
      expect(err).toBeInstanceOf(SecretDecryptError);
      expect((err as SecretDecryptError).reason).toBe('unknown-key');
      expect((err as Error).message).not.toContain(stored.slice(12));
    }
  });

  it('without a key stores plaintext, and reads plaintext rows written before a key existed', () => {
    expect(SecretCipher.disabled().encrypt('v', 'c')).toBe('v');
    expect(new SecretCipher(new KeyRing([k1])).decrypt('legacy plaintext', 'c')).toBe('legacy plaintext');
  });
});

describe('TokenHasher', () => {
  it('hashes with the primary key and finds rows hashed under any key of the ring or unkeyed', () => {
    const k1 = key('k1');
    const k2 = key('k2');
    const before = new TokenHasher(new KeyRing([]));
    const old = new TokenHasher(new KeyRing([k1]));
    const now = new TokenHasher(new KeyRing([k2, k1]));
    expect(before.hash('T')).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(old.hash('T')).toMatch(/^k1:[0-9a-f]{64}$/);
    expect(now.candidates('T')).toEqual(expect.arrayContaining([before.hash('T'), old.hash('T'), now.hash('T')]));
    expect(now.hash('T')).not.toBe(old.hash('T'));
    expect(now.isCurrent(old.hash('T'))).toBe(false);
  });
});

describe('parseEncryptionKeys', () => {
  it('reads id:base64 entries (comma or newline separated) and rejects bad ones without quoting them', () => {
    const a = randomBytes(32).toString('base64');
    const b = randomBytes(32).toString('base64');
    expect(parseEncryptionKeys(`k2:${b}\nk1:${a}\n`).map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(parseEncryptionKeys(undefined)).toEqual([]);
    const short = randomBytes(16).toString('base64');
    expect(() => parseEncryptionKeys(`k1:${short}`)).toThrow(/32 bytes/);
    expect(() => parseEncryptionKeys(`k1:${short}`)).not.toThrow(new RegExp(short.slice(0, 10)));
    expect(() => parseEncryptionKeys(a)).toThrow(/id:base64key/);
    expect(() => parseEncryptionKeys(`k1:${a},k1:${b}`)).toThrow(/twice/);
  });
});
