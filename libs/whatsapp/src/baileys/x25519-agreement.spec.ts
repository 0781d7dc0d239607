import { dirname } from 'node:path';
import { fastAgreement } from './x25519-agreement';

type Curve = {
  generateKeyPair(): { pubKey: Buffer; privKey: Buffer };
  calculateAgreement(pub: Uint8Array, priv: Uint8Array): Buffer;
};

/** The JWK path must agree with libsignal's own X25519 on every key, and fail where it fails. */
describe('X25519 agreement through JWK keys', () => {
  const libsignal = require.resolve('libsignal/package.json', { paths: [dirname(require.resolve('@whiskeysockets/baileys'))] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const curve = jest.requireActual(require.resolve('libsignal/src/curve.js', { paths: [dirname(libsignal)] })) as Curve;
  const original = jest.fn((pub: Uint8Array, priv: Uint8Array) => curve.calculateAgreement(pub, priv));
  const agree = fastAgreement(original);

  it('gives libsignal’s shared secret for random key pairs, with 33-byte (version-prefixed) and 32-byte public keys', () => {
    for (let i = 0; i < 20; i++) {
      const a = curve.generateKeyPair();
      const b = curve.generateKeyPair();
      const expected = curve.calculateAgreement(b.pubKey, a.privKey);
      original.mockClear();
      expect(agree(b.pubKey, a.privKey).equals(expected)).toBe(true);
      expect(agree(b.pubKey.subarray(1), a.privKey).equals(expected)).toBe(true);
      // both sides derive the same secret
      expect(agree(a.pubKey, b.privKey).equals(expected)).toBe(true);
      expect(original).not.toHaveBeenCalled();
    }
  });

  it('leaves malformed keys to libsignal, which refuses them', () => {
    const a = curve.generateKeyPair();
    expect(() => agree(Buffer.alloc(31), a.privKey)).toThrow();
    expect(() => agree(a.pubKey, Buffer.alloc(16))).toThrow();
    expect(original).toHaveBeenCalledTimes(2);
  });
});
