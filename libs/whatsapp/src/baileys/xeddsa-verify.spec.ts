import { randomBytes } from 'node:crypto';
import * as curveJs from 'curve25519-js';
import { xeddsaVerify } from './xeddsa-verify';

/** The native verifier must agree with curve25519-js (libsignal's own) on what is valid. */
describe('native XEdDSA verification', () => {
  const pairs = Array.from({ length: 12 }, () => curveJs.generateKeyPair(randomBytes(32)));

  it('accepts every signature curve25519-js makes, for random keys and messages', () => {
    for (const [i, kp] of pairs.entries()) {
      const message = randomBytes(1 + i * 37);
      const signature = curveJs.sign(kp.private, message, randomBytes(64));
      expect(curveJs.verify(kp.public, message, signature)).toBe(true);
      expect(xeddsaVerify(kp.public, message, signature)).toBe(true);
    }
  });

  it('refuses a changed message, signature or key, like curve25519-js', () => {
    const [kp, other] = pairs;
    const message = randomBytes(64);
    const signature = curveJs.sign(kp.private, message, randomBytes(64));
    const flip = (b: Uint8Array, at: number, bit = 1) => {
      const c = Uint8Array.from(b);
      c[at] ^= bit;
      return c;
    };
    const cases: [Uint8Array, Uint8Array, Uint8Array][] = [
      [kp.public, flip(message, 0), signature],
      [kp.public, message, flip(signature, 5)],
      [kp.public, message, flip(signature, 40)],
      [kp.public, message, flip(signature, 63, 0x80)], // the stored sign bit
      [other.public, message, signature],
      [flip(kp.public, 3), message, signature],
    ];
    for (const [key, msg, sig] of cases) {
      expect(curveJs.verify(key, msg, sig)).toBe(false);
      expect(xeddsaVerify(key, msg, sig)).toBe(false);
    }
  });

  it('keeps curve25519-js errors for malformed input', () => {
    expect(() => xeddsaVerify(new Uint8Array(31), new Uint8Array(1), new Uint8Array(64))).toThrow('wrong public key length');
    expect(() => xeddsaVerify(new Uint8Array(32), new Uint8Array(1), new Uint8Array(63))).toThrow('wrong signature length');
  });
});
