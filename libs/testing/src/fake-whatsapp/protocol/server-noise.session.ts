import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import type { KeyPair } from '@whiskeysockets/baileys';
import type { BaileysModule } from './baileys.loader';

/**
 * Responder side of the Noise XX handshake exactly as Baileys' initiator
 * (lib/Utils/noise-handler.js) runs it: h = NOISE_MODE used as-is (32 bytes), prologue =
 * the 4-byte 'WA' intro header, HKDF-SHA256 with the chaining key as salt, AES-256-GCM
 * with IV = 8 zero bytes + 32-bit BE counter and AAD = h during the handshake.
 */
const NOISE_MODE = Buffer.from('Noise_XX_25519_AESGCM_SHA256\0\0\0\0');
const EMPTY = Buffer.alloc(0);

type Curve = BaileysModule['Curve'];

export interface ServerNoiseIdentity {
  staticKeyPair: KeyPair;
  /** encoded proto.CertChain sent (encrypted) in ServerHello.payload */
  certificate: Uint8Array;
}

/**
 * v7 checks: leaf signed by the intermediate key (we sign it for real), intermediate signed
 * by WhatsApp's root key (we cannot; Baileys' Curve.verify only rejects malformed input,
 * so any 64 bytes pass) and intermediate issuerSerial === 0.
 */
export function createServerNoiseIdentity(baileys: BaileysModule): ServerNoiseIdentity {
  const { Curve, proto } = baileys;
  const staticKeyPair = Curve.generateKeyPair();
  const intermediateKeyPair = Curve.generateKeyPair();
  const now = Math.floor(Date.now() / 1000);
  const Details = proto.CertChain.NoiseCertificate.Details;
  const intermediateDetails = Details.encode({
    serial: 1,
    issuerSerial: 0,
    key: intermediateKeyPair.public,
    notBefore: now - 3600,
    notAfter: now + 365 * 24 * 3600,
  }).finish();
  const leafDetails = Details.encode({
    serial: 2,
    issuerSerial: 1,
    key: staticKeyPair.public,
    notBefore: now - 3600,
    notAfter: now + 30 * 24 * 3600,
  }).finish();
  const certificate = proto.CertChain.encode({
    leaf: { details: leafDetails, signature: Curve.sign(intermediateKeyPair.private, leafDetails) },
    intermediate: { details: intermediateDetails, signature: randomBytes(64) },
  }).finish();
  return { staticKeyPair, certificate };
}

function nonce(counter: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(counter >>> 0, 8);
  return iv;
}

function gcmEncrypt(key: Buffer, counter: number, plaintext: Uint8Array, aad: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonce(counter));
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function gcmDecrypt(key: Buffer, counter: number, ciphertext: Uint8Array, aad: Buffer): Buffer {
  const data = Buffer.from(ciphertext);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce(counter));
  decipher.setAAD(aad);
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
}

function hkdf64(ikm: Uint8Array, salt: Buffer): [Buffer, Buffer] {
  const out = Buffer.from(hkdfSync('sha256', ikm, salt, EMPTY, 64));
  return [out.subarray(0, 32), out.subarray(32)];
}

export interface ServerHelloParts {
  ephemeral: Buffer;
  static: Buffer;
  payload: Buffer;
}

export class ServerNoiseSession {
  private hash: Buffer = NOISE_MODE;
  private salt: Buffer = NOISE_MODE;
  private key: Buffer = NOISE_MODE;
  private counter = 0;
  private ephemeral: KeyPair | undefined;
  private transport: { encKey: Buffer; decKey: Buffer; read: number; write: number } | undefined;

  constructor(
    private readonly curve: Curve,
    private readonly identity: ServerNoiseIdentity,
  ) {}

  get isTransportReady(): boolean {
    return this.transport !== undefined;
  }

  /** -> e, ee, s, es (+ certificate payload) in answer to the client's ephemeral key. */
  respondToHello(prologue: Uint8Array, clientEphemeral: Uint8Array): ServerHelloParts {
    this.authenticate(prologue);
    this.authenticate(clientEphemeral);
    this.ephemeral = this.curve.generateKeyPair();
    const ephemeral = Buffer.from(this.ephemeral.public);
    this.authenticate(ephemeral);
    this.mixIntoKey(this.curve.sharedKey(this.ephemeral.private, clientEphemeral));
    const staticEnc = this.encryptHandshake(this.identity.staticKeyPair.public);
    this.mixIntoKey(this.curve.sharedKey(this.identity.staticKeyPair.private, clientEphemeral));
    const payload = this.encryptHandshake(this.identity.certificate);
    return { ephemeral, static: staticEnc, payload };
  }

  /** <- s, se (+ ClientPayload); then splits into transport keys. */
  finish(clientStaticEnc: Uint8Array, payloadEnc: Uint8Array): { clientStatic: Buffer; payload: Buffer } {
    if (!this.ephemeral) throw new Error('noise: ClientFinish before ClientHello');
    const clientStatic = this.decryptHandshake(clientStaticEnc);
    this.mixIntoKey(this.curve.sharedKey(this.ephemeral.private, clientStatic));
    const payload = this.decryptHandshake(payloadEnc);
    // the client writes with the first half and reads with the second
    const [clientWrite, clientRead] = hkdf64(EMPTY, this.salt);
    this.transport = { encKey: clientRead, decKey: clientWrite, read: 0, write: 0 };
    return { clientStatic, payload };
  }

  encrypt(plaintext: Uint8Array): Buffer {
    const t = this.requireTransport();
    return gcmEncrypt(t.encKey, t.write++, plaintext, EMPTY);
  }

  decrypt(ciphertext: Uint8Array): Buffer {
    const t = this.requireTransport();
    return gcmDecrypt(t.decKey, t.read++, ciphertext, EMPTY);
  }

  private requireTransport(): NonNullable<ServerNoiseSession['transport']> {
    if (!this.transport) throw new Error('noise: transport not ready');
    return this.transport;
  }

  private authenticate(data: Uint8Array): void {
    this.hash = createHash('sha256').update(this.hash).update(data).digest();
  }

  private mixIntoKey(ikm: Uint8Array): void {
    [this.salt, this.key] = hkdf64(ikm, this.salt);
    this.counter = 0;
  }

  private encryptHandshake(plaintext: Uint8Array): Buffer {
    const result = gcmEncrypt(this.key, this.counter++, plaintext, this.hash);
    this.authenticate(result);
    return result;
  }

  private decryptHandshake(ciphertext: Uint8Array): Buffer {
    const result = gcmDecrypt(this.key, this.counter++, ciphertext, this.hash);
    this.authenticate(ciphertext);
    return result;
  }
}
