/**
 * Parses the QR string Baileys emits in connection.update:
 *  v7:  https://wa.me/settings/linked_devices#ref,noiseKey,identityKey,advSecretKey,platformId
 *  6.x: ref,noiseKey,identityKey,advSecretKey
 * The advSecretKey exists only here, which is why the "phone" needs the QR to pair.
 */
export interface ParsedPairingQr {
  ref: string;
  noiseKey: Buffer;
  identityKey: Buffer;
  advSecretKey: Buffer;
  platformId?: string;
}

export function parsePairingQr(qr: string): ParsedPairingQr {
  const hash = qr.indexOf('#');
  const parts = (hash >= 0 ? qr.slice(hash + 1) : qr).trim().split(',');
  if (parts.length < 4 || parts.slice(0, 4).some((p) => p.length === 0)) {
    throw new Error('not a WhatsApp pairing QR string');
  }
  const [ref, noise, identity, adv, platformId] = parts;
  const noiseKey = Buffer.from(noise, 'base64');
  const identityKey = Buffer.from(identity, 'base64');
  const advSecretKey = Buffer.from(adv, 'base64');
  if (noiseKey.length !== 32 || identityKey.length !== 32 || advSecretKey.length !== 32) {
    throw new Error('pairing QR carries malformed keys');
  }
  return { ref, noiseKey, identityKey, advSecretKey, platformId };
}
