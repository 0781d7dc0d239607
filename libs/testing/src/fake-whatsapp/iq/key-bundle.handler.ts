import type { BinaryNode } from '@whiskeysockets/baileys';
import { child, childrenByTag, iqResult, toBigEndian } from '../protocol/binary-node.util';
import { parseJid } from '../registries/fake-account.registry';
import type { MessagingHost } from '../services/messaging-host.types';
import { companionBundle, type PreKeyBundle } from '../registries/peer-signal.registry';

/**
 * `iq xmlns="encrypt" type="get" <key><user jid/>…</key>`: pre-key bundles a client needs
 * before its first message to a device (Baileys assertSessions → parseAndInjectE2ESessions).
 * Device 0 of any account is the fake's phone (fresh one-time pre-key from its Signal
 * repository); companions hand out what they uploaded. Unknown users are left out, which
 * Baileys treats as "no session" for them instead of failing the whole send.
 */
export async function answerKeyBundles(host: MessagingHost, iq: BinaryNode): Promise<BinaryNode> {
  const list: BinaryNode[] = [];
  for (const user of childrenByTag(child(iq, 'key'), 'user')) {
    const jid = user.attrs.jid ?? '';
    const found = host.accounts.resolve(jid);
    if (!found) continue;
    const deviceId = parseJid(jid)?.device ?? 0;
    let bundle: PreKeyBundle | undefined;
    if (deviceId === 0) bundle = await (await host.signal.phone(found.account)).bundle();
    else if (found.device?.status === 'active') bundle = companionBundle(found.device);
    if (bundle) list.push(bundleNode(jid, bundle));
  }
  return iqResult(iq, [{ tag: 'list', attrs: {}, content: list }]);
}

function bundleNode(jid: string, bundle: PreKeyBundle): BinaryNode {
  const content: BinaryNode[] = [
    { tag: 'registration', attrs: {}, content: toBigEndian(bundle.registrationId, 4) },
    { tag: 'type', attrs: {}, content: Buffer.from([5]) },
    { tag: 'identity', attrs: {}, content: bundle.identityKey },
    {
      tag: 'skey',
      attrs: {},
      content: [
        { tag: 'id', attrs: {}, content: toBigEndian(bundle.signedPreKey.keyId, 3) },
        { tag: 'value', attrs: {}, content: bundle.signedPreKey.publicKey },
        { tag: 'signature', attrs: {}, content: bundle.signedPreKey.signature },
      ],
    },
  ];
  if (bundle.preKey) {
    content.push({
      tag: 'key',
      attrs: {},
      content: [
        { tag: 'id', attrs: {}, content: toBigEndian(bundle.preKey.keyId, 3) },
        { tag: 'value', attrs: {}, content: bundle.preKey.publicKey },
      ],
    });
  }
  return { tag: 'user', attrs: { jid }, content };
}
