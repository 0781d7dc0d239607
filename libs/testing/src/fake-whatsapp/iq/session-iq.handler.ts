import { createHash } from 'node:crypto';
import type { BinaryNode } from '@whiskeysockets/baileys';
import { child, childBuffer, childrenByTag, childUInt, iqResult, toBigEndian } from '../protocol/binary-node.util';
import { PRIVACY_DEFAULTS } from '../registries/account-profile.registry';
import type { FakeAccountRegistry, FakeDevice, PreKeyUpload, SignedPreKeyRecord } from '../registries/fake-account.registry';
import { answerUsync } from './usync.handler';

/**
 * IQs of a logged-in companion. Everything Baileys sends around login must be answered or
 * its query waits defaultQueryTimeoutMs: pre-key count/upload/digest (socket.js CB:success),
 * passive active, the init queries props/blocklist/privacy (chats.js) and app-state
 * sync (nothing to sync). Anything not modelled gets an empty result, which Baileys
 * accepts for fire-and-forget queries.
 */
export interface SessionIqContext {
  device: FakeDevice;
  accounts: FakeAccountRegistry;
  /** <remove-companion-device/>: sock.logout() */
  onRemoveCompanion(deviceJid: string, reason: string): void;
}

const KEY_TYPE = Buffer.from([5]);

export function handleSessionIq(ctx: SessionIqContext, iq: BinaryNode): BinaryNode {
  const first = Array.isArray(iq.content) ? iq.content[0] : undefined;
  switch (iq.attrs.xmlns) {
    case 'encrypt':
      return handleEncrypt(ctx.device, iq);
    case 'usync':
      return answerUsync(iq, ctx.accounts);
    case 'md': {
      const remove = child(iq, 'remove-companion-device');
      if (remove) ctx.onRemoveCompanion(remove.attrs.jid ?? ctx.device.jid, remove.attrs.reason ?? 'unknown');
      return iqResult(iq);
    }
    case 'abt':
      return iqResult(iq, [{ tag: 'props', attrs: { protocol: '1' } }]);
    case 'blocklist':
      return handleBlocklist(ctx, iq);
    case 'w:sync:app:state':
      return answerAppStateSync(iq);
    case 'privacy':
      if (iq.attrs.type === 'get' && first?.tag === 'privacy') {
        const categories = Object.entries(PRIVACY_DEFAULTS).map(([name, value]) => ({ tag: 'category', attrs: { name, value } }));
        return iqResult(iq, [{ tag: 'privacy', attrs: {}, content: categories }]);
      }
      return iqResult(iq);
    default:
      // w:p ping, passive active, w:stats, and whatever is not modelled yet
      return iqResult(iq);
  }
}

/** fetchBlocklist / updateBlockStatus (items name the LID, with pn_jid when blocking); kept as PN jids */
function handleBlocklist(ctx: SessionIqContext, iq: BinaryNode): BinaryNode {
  const { blocklist } = ctx.device.account;
  if (iq.attrs.type === 'get') {
    const items = [...blocklist].map((jid) => ({ tag: 'item', attrs: { jid } }));
    return iqResult(iq, [{ tag: 'list', attrs: {}, content: items }]);
  }
  for (const item of childrenByTag(iq, 'item')) {
    const named = item.attrs.pn_jid ?? item.attrs.jid ?? '';
    const jid = ctx.accounts.resolve(named)?.account.jid ?? named;
    if (item.attrs.action === 'block') blocklist.add(jid);
    else blocklist.delete(jid);
  }
  return iqResult(iq);
}

/**
 * App-state sync (resyncAppState / appPatch): the fake keeps no app state, so every
 * collection is reported up to date without patches. An empty result would make Baileys
 * re-query forever (it loops until each collection is answered).
 */
function answerAppStateSync(iq: BinaryNode): BinaryNode {
  const collections = childrenByTag(child(iq, 'sync'), 'collection').map((c) => {
    const version = Number(c.attrs.version ?? '0') + (child(c, 'patch') ? 1 : 0);
    return { tag: 'collection', attrs: { name: c.attrs.name ?? '', version: String(version) } };
  });
  return iqResult(iq, [{ tag: 'sync', attrs: {}, content: collections }]);
}

function handleEncrypt(device: FakeDevice, iq: BinaryNode): BinaryNode {
  if (iq.attrs.type === 'get' && child(iq, 'count')) {
    return iqResult(iq, [{ tag: 'count', attrs: { value: String(device.preKeys.size) } }]);
  }
  if (iq.attrs.type === 'set' && child(iq, 'list')) {
    device.applyPreKeyUpload(parsePreKeyUpload(iq));
    return iqResult(iq);
  }
  if (iq.attrs.type === 'set' && child(iq, 'rotate')) {
    const skey = parseSignedPreKey(child(child(iq, 'rotate'), 'skey'));
    if (skey) device.signedPreKey = skey;
    return iqResult(iq);
  }
  if (iq.attrs.type === 'get' && child(iq, 'digest')) {
    // Baileys only checks that <digest> is present; fill it like the real one anyway
    const ids = [...device.preKeys.keys()];
    const hash = createHash('sha1');
    if (device.identityKey) hash.update(device.identityKey);
    if (device.signedPreKey) hash.update(device.signedPreKey.publicKey).update(device.signedPreKey.signature);
    for (const key of device.preKeys.values()) hash.update(key);
    return iqResult(iq, [
      {
        tag: 'digest',
        attrs: {},
        content: [
          { tag: 'registration', attrs: {}, content: toBigEndian(device.registrationId ?? 0, 4) },
          { tag: 'type', attrs: {}, content: KEY_TYPE },
          { tag: 'identity', attrs: {}, content: device.identityKey ?? Buffer.alloc(32) },
          ...(device.signedPreKey ? [signedPreKeyNode(device.signedPreKey)] : []),
          { tag: 'list', attrs: {}, content: ids.map((id) => ({ tag: 'id', attrs: {}, content: toBigEndian(id, 3) })) },
          { tag: 'hash', attrs: {}, content: hash.digest() },
        ],
      },
    ]);
  }
  return iqResult(iq);
}

/** `iq encrypt set` built by Baileys' getNextPreKeysNode (lib/Utils/signal.js) */
export function parsePreKeyUpload(iq: BinaryNode): PreKeyUpload {
  const registrationId = childUInt(iq, 'registration');
  const identityKey = childBuffer(iq, 'identity');
  const signedPreKey = parseSignedPreKey(child(iq, 'skey'));
  if (registrationId === undefined || !identityKey || !signedPreKey) throw new Error('malformed pre-key upload');
  const preKeys = childrenByTag(child(iq, 'list'), 'key').map((key) => {
    const keyId = childUInt(key, 'id');
    const publicKey = childBuffer(key, 'value');
    if (keyId === undefined || !publicKey) throw new Error('malformed pre-key in upload');
    return { keyId, publicKey };
  });
  return { registrationId, identityKey, signedPreKey, preKeys };
}

function parseSignedPreKey(node: BinaryNode | undefined): SignedPreKeyRecord | undefined {
  const keyId = childUInt(node, 'id');
  const publicKey = childBuffer(node, 'value');
  const signature = childBuffer(node, 'signature');
  return keyId !== undefined && publicKey && signature ? { keyId, publicKey, signature } : undefined;
}

function signedPreKeyNode(key: SignedPreKeyRecord): BinaryNode {
  return {
    tag: 'skey',
    attrs: {},
    content: [
      { tag: 'id', attrs: {}, content: toBigEndian(key.keyId, 3) },
      { tag: 'value', attrs: {}, content: key.publicKey },
      { tag: 'signature', attrs: {}, content: key.signature },
    ],
  };
}
