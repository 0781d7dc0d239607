import type { BinaryNode, proto } from '@whiskeysockets/baileys';
import { child, childrenByTag, children } from './binary-node.util';
import type { FakeAccount, FakeDevice } from '../registries/fake-account.registry';
import type { ClientMessageRecipient } from '../fake-messaging.types';
import { isGroupJid } from '../registries/group-state.registry';
import type { MessagingHost } from '../services/messaging-host.types';

/**
 * Decrypts a `<message>` a companion sent (Baileys relayMessage): every
 * `<participants><to jid><enc/></to>` addressed to a phone (device 0) is decrypted by that
 * account's fake phone; SKDMs are processed so the group's `<enc type="skmsg">` can be
 * read by any member phone. The copy for the sender's own phone is a deviceSentMessage,
 * which is unwrapped. Copies for other companions (real clients) cannot be read here.
 */
export interface DecodedClientMessage {
  message?: proto.Message;
  recipients: ClientMessageRecipient[];
  /** `<to>` copies for other companions, by device jid */
  forCompanions: Map<string, BinaryNode>;
}

export async function decodeClientMessage(host: MessagingHost, sender: FakeDevice, node: BinaryNode): Promise<DecodedClientMessage> {
  const to = node.attrs.to ?? '';
  const group = isGroupJid(to) ? host.groups.get(to) : undefined;
  const recipients: ClientMessageRecipient[] = [];
  const forCompanions = new Map<string, BinaryNode>();
  let peerCopy: proto.Message | undefined;
  let ownCopy: proto.Message | undefined;

  const targets = childrenByTag(child(node, 'participants'), 'to').map((t) => ({ jid: t.attrs.jid ?? '', enc: child(t, 'enc') }));
  // category="peer" messages (to the own phone) carry their <enc> directly
  if (node.attrs.category === 'peer') targets.push({ jid: to, enc: childrenByTag(node, 'enc')[0] });
  for (const { jid, enc } of targets) {
    const encType = enc?.attrs.type ?? 'none';
    const found = host.accounts.resolve(jid);
    const ciphertext = enc?.content instanceof Uint8Array ? enc.content : undefined;
    if (!found || !ciphertext || (encType !== 'pkmsg' && encType !== 'msg')) {
      recipients.push({ jid, encType, decrypted: false, error: found ? 'unsupported enc' : 'unknown recipient' });
      continue;
    }
    if (found.device) {
      forCompanions.set(found.device.jid, enc as BinaryNode);
      recipients.push({ jid, encType, decrypted: false });
      continue;
    }
    try {
      const phone = await host.signal.phone(found.account);
      const decrypted = await phone.decryptFrom(sender, encType, ciphertext);
      const inner = decrypted.deviceSentMessage?.message
        ? host.baileys.proto.Message.fromObject(decrypted.deviceSentMessage.message as Record<string, unknown>)
        : decrypted;
      if (inner.senderKeyDistributionMessage && group) {
        await phone.repository.processSenderKeyDistributionMessage({ item: inner.senderKeyDistributionMessage, authorJid: sender.jid });
      }
      if (found.account === sender.account) ownCopy ??= inner;
      else peerCopy ??= inner;
      recipients.push({ jid, encType, decrypted: true });
    } catch (err) {
      recipients.push({ jid, encType, decrypted: false, error: err instanceof Error ? err.message : String(err) });
    }
  }

  let message = peerCopy ?? ownCopy;
  const skmsg = children(node).find((c) => c.tag === 'enc' && c.attrs.type === 'skmsg');
  if (group && skmsg?.content instanceof Uint8Array) {
    const groupMessage = await decryptGroupCopy(host, sender, group.members(), group.id, skmsg.content);
    recipients.push({ jid: group.id, encType: 'skmsg', decrypted: !!groupMessage });
    if (groupMessage) message = groupMessage;
  }
  return { message: message ? withoutSenderKey(host, message) : undefined, recipients, forCompanions };
}

/** any member phone that holds the sender key can read the group copy */
async function decryptGroupCopy(
  host: MessagingHost,
  sender: FakeDevice,
  members: FakeAccount[],
  groupId: string,
  ciphertext: Uint8Array,
): Promise<proto.Message | undefined> {
  let result: proto.Message | undefined;
  for (const member of members) {
    const phone = await host.signal.phone(member);
    const hasKey = await phone.repository.hasSenderKey({ group: groupId, meId: sender.jid });
    if (!hasKey) continue;
    try {
      // every holder decrypts, so all fake phones stay at the same chain iteration
      const padded = await phone.repository.decryptGroupMessage({ group: groupId, authorJid: sender.jid, msg: ciphertext });
      result ??= host.baileys.proto.Message.decode(host.baileys.unpadRandomMax16(padded));
    } catch {
      // this phone missed the sender key (e.g. joined later); another one may have it
    }
  }
  return result;
}

function withoutSenderKey(host: MessagingHost, message: proto.Message): proto.Message {
  if (!message.senderKeyDistributionMessage) return message;
  const copy = host.baileys.proto.Message.fromObject(message.toJSON());
  copy.senderKeyDistributionMessage = null;
  return copy;
}
