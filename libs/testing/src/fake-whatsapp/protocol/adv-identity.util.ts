import { createHmac, randomInt } from 'node:crypto';
import type { BinaryNode } from '@whiskeysockets/baileys';
import type { BaileysModule } from './baileys.loader';
import { child, contentBuffer, S_WHATSAPP_NET, unixNow } from './binary-node.util';
import type { FakeAccount, FakeDevice } from '../registries/fake-account.registry';

/**
 * ADV ("account device verification") as the primary phone does it when it links a
 * companion, mirrored from what Baileys checks in configureSuccessfulPairing
 * (lib/Utils/validate-connection.js):
 *  - HMAC-SHA256(advSecretKey, ADVSignedDeviceIdentity) — the only check that binds the
 *    pairing to this client, the key being known only through the QR / pairing code;
 *  - accountSignature = sign(accountKey, [6,0] ‖ ADVDeviceIdentity ‖ companionIdentityKey).
 */
const ACCOUNT_SIG_PREFIX = Buffer.from([6, 0]);
const DEVICE_SIG_PREFIX = Buffer.from([6, 1]);

export interface PairSuccessInput {
  stanzaId: string;
  account: FakeAccount;
  device: FakeDevice;
  companionIdentityKey: Buffer;
  advSecretKey: Buffer;
  platform: string;
}

export interface PairSuccess {
  node: BinaryNode;
  /** ADVDeviceIdentity bytes, to match the client's signed reply against */
  deviceDetails: Buffer;
}

export function buildPairSuccess(baileys: BaileysModule, input: PairSuccessInput): PairSuccess {
  const { proto, Curve } = baileys;
  const { account, device } = input;
  const deviceDetails = Buffer.from(
    proto.ADVDeviceIdentity.encode({
      rawId: randomInt(1, 2 ** 31),
      timestamp: Math.floor(Date.now() / 1000),
      keyIndex: device.keyIndex,
    }).finish(),
  );
  const accountSignature = Curve.sign(
    account.identityKeyPair.private,
    Buffer.concat([ACCOUNT_SIG_PREFIX, deviceDetails, input.companionIdentityKey]),
  );
  const signedIdentity = proto.ADVSignedDeviceIdentity.encode({
    details: deviceDetails,
    accountSignatureKey: account.identityKeyPair.public,
    accountSignature,
  }).finish();
  const hmac = createHmac('sha256', input.advSecretKey).update(signedIdentity).digest();
  const container = proto.ADVSignedDeviceIdentityHMAC.encode({ details: signedIdentity, hmac }).finish();
  const node: BinaryNode = {
    tag: 'iq',
    attrs: { from: S_WHATSAPP_NET, type: 'set', id: input.stanzaId, xmlns: 'md', t: unixNow() },
    content: [
      {
        tag: 'pair-success',
        attrs: {},
        content: [
          { tag: 'device-identity', attrs: { 'key-index': String(device.keyIndex) }, content: container },
          { tag: 'platform', attrs: { name: input.platform } },
          // v7 requires `lid` here (validate-connection.js reads deviceNode.attrs.lid)
          { tag: 'device', attrs: { jid: device.jid, lid: device.lid } },
        ],
      },
    ],
  };
  return { node, deviceDetails };
}

/**
 * Checks the client's <pair-device-sign> answer (deviceSignature over
 * [6,1] ‖ details ‖ companionIdentityKey ‖ accountKey) and returns the signed identity the
 * device will later attach to its pkmsg stanzas.
 */
export function readPairDeviceSign(
  baileys: BaileysModule,
  reply: BinaryNode,
  expected: { deviceDetails: Buffer; companionIdentityKey: Buffer; accountKey: Uint8Array },
): Buffer {
  const signedBytes = contentBuffer(child(child(reply, 'pair-device-sign'), 'device-identity'));
  if (!signedBytes) throw new Error('pair-device-sign without device-identity');
  const signed = baileys.proto.ADVSignedDeviceIdentity.decode(signedBytes);
  if (!signed.details || !Buffer.from(signed.details).equals(expected.deviceDetails)) {
    throw new Error('pair-device-sign carries different device details');
  }
  const message = Buffer.concat([
    DEVICE_SIG_PREFIX,
    expected.deviceDetails,
    expected.companionIdentityKey,
    expected.accountKey,
  ]);
  if (!signed.deviceSignature || !baileys.Curve.verify(expected.companionIdentityKey, message, signed.deviceSignature)) {
    throw new Error('pair-device-sign has an invalid device signature');
  }
  return signedBytes;
}
