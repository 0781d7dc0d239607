import { KeyObject, createPublicKey, verify } from 'node:crypto';
import { dirname } from 'node:path';

/**
 * XEdDSA signature verification (Signal's signatures made with Curve25519 keys) on Node's
 * native Ed25519, instead of the pure-JavaScript `curve25519-js` that libsignal uses.
 *
 * Why: every group message (sender-key signature) and every WhatsApp handshake (two
 * certificate signatures) is verified; curve25519-js takes 8-25 ms of CPU per verification,
 * which capped ingest and made restoring many sessions CPU-bound. Natively it is ~0.1 ms.
 *
 * How (the XEdDSA spec, and what curve25519-js itself does): the Montgomery u-coordinate of the
 * public key becomes the Edwards y = (u - 1) / (u + 1) mod p; the signer stored the sign bit of
 * the Edwards x in the signature's last byte, which moves back into the key before a standard
 * Ed25519 verification. OpenSSL is stricter than curve25519-js in one way (it refuses s >= L),
 * which no honest signer produces.
 */

const P = (1n << 255n) - 19n;
/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410) before the 32 key bytes. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
/** Converted keys are few (the WhatsApp root, group senders' signing keys): cache them, bounded. */
const MAX_CACHED_KEYS = 4_096;
const edwardsKeys = new Map<string, KeyObject | null>();

function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = base % P;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
  }
  return result;
}

/** Edwards y (little-endian, sign bit clear) of a 32-byte Curve25519 public key. */
function edwardsY(montgomery: Uint8Array): Buffer {
  let u = 0n;
  for (let i = 31; i >= 0; i--) u = (u << 8n) | BigInt(i === 31 ? montgomery[i] & 0x7f : montgomery[i]);
  const y = (((((u - 1n) % P) + P) % P) * modPow(u + 1n, P - 2n)) % P;
  const out = Buffer.alloc(32);
  let rest = y;
  for (let i = 0; i < 32; i++, rest >>= 8n) out[i] = Number(rest & 0xffn);
  return out;
}

/** The Ed25519 key for a Curve25519 key and the sign bit a signature carries; null = not a valid point. */
function edwardsKey(montgomery: Uint8Array, signBit: number): KeyObject | null {
  const cacheKey = Buffer.from(montgomery).toString('base64') + signBit;
  const cached = edwardsKeys.get(cacheKey);
  if (cached !== undefined) return cached;
  const edwards = edwardsY(montgomery);
  edwards[31] |= signBit;
  let key: KeyObject | null;
  try {
    key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, edwards]), format: 'der', type: 'spki' });
  } catch {
    key = null;
  }
  if (edwardsKeys.size >= MAX_CACHED_KEYS) edwardsKeys.delete(edwardsKeys.keys().next().value!);
  edwardsKeys.set(cacheKey, key);
  return key;
}

/** Same contract as curve25519-js `verify(publicKey, message, signature)`. */
export function xeddsaVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32) throw new Error('wrong public key length');
  if (signature.length !== 64) throw new Error('wrong signature length');
  const key = edwardsKey(publicKey, signature[63] & 0x80);
  if (!key) return false;
  const sig = Buffer.from(signature);
  sig[63] &= 0x7f;
  try {
    return verify(null, message, key, sig);
  } catch {
    return false; // R is not a point on the curve
  }
}

let installed = false;

/**
 * Points libsignal's (and through it Baileys') signature checks at the native verifier. They call
 * `curveJs.verify(...)` on the shared CommonJS module object at call time, so replacing that one
 * property before Baileys runs is enough; everything else of curve25519-js stays as it is.
 */
export function installNativeXeddsaVerify(): void {
  if (installed) return;
  // the copy libsignal loads, wherever npm nested it: Baileys -> libsignal -> curve25519-js
  const libsignal = require.resolve('libsignal/package.json', { paths: [dirname(require.resolve('@whiskeysockets/baileys'))] });
  const curvePath = require.resolve('curve25519-js', { paths: [dirname(libsignal)] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const curveJs = require(curvePath) as { verify: typeof xeddsaVerify };
  curveJs.verify = xeddsaVerify;
  installed = true;
}
