import type { BinaryNode, proto } from '@whiskeysockets/baileys';
import { unixNow } from '../protocol/binary-node.util';
import type { FakeAccountRegistry, FakeDevice } from '../registries/fake-account.registry';

/**
 * Login of an already paired companion (ClientPayload with username/device). WhatsApp
 * binds a companion to the Noise static key it registered with, so the login must come
 * from the same key; removed or unknown devices get <failure reason="401"/>.
 */
export type LoginDecision = { deviceJid: string; device: FakeDevice } | { deviceJid: string; device?: undefined };

export function authorizeLogin(
  registry: FakeAccountRegistry,
  payload: proto.ClientPayload,
  clientStaticKey: Buffer | undefined,
): LoginDecision {
  const deviceJid = `${String(payload.username)}:${payload.device ?? 0}@s.whatsapp.net`;
  const device = registry.resolve(deviceJid)?.device;
  const sameKey = !!device?.noiseKey && !!clientStaticKey && device.noiseKey.equals(clientStaticKey);
  return device && device.status === 'active' && sameKey ? { deviceJid, device } : { deviceJid };
}

/** <success/>; v7 reads `lid` from it */
export function loginSuccessNode(device: FakeDevice): BinaryNode {
  return {
    tag: 'success',
    attrs: {
      t: unixNow(),
      props: '0',
      abprops: '0',
      location: 'fake',
      creation: String(Math.floor((device.pairedAt ?? new Date()).getTime() / 1000)),
      lid: device.lid,
    },
  };
}

/** <ib><offline count/></ib> ends the offline queue; it flushes Baileys' initial event buffer */
export function offlineDoneNode(count: number): BinaryNode {
  return { tag: 'ib', attrs: {}, content: [{ tag: 'offline', attrs: { count: String(count) } }] };
}
