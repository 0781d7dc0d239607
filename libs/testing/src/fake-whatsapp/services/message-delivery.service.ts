import type { BinaryNode, proto } from '@whiskeysockets/baileys';
import { child, childBuffer, childUInt } from '../protocol/binary-node.util';
import type { FakeAccount, FakeDevice } from '../registries/fake-account.registry';
import type { FakeConnection } from '../protocol/fake-connection.session';
import type { EncryptionMode, MessageContent, MessageDeliveryRecord, SendMessageOptions, SentMessageKey } from '../fake-messaging.types';
import type { FakeGroup } from '../registries/group-state.registry';
import { isGroupJid } from '../registries/group-state.registry';
import { requireAccount, resolvePeer, unixSeconds, type MessagingHost } from './messaging-host.types';
import type { PreKeyBundle } from '../registries/peer-signal.registry';

/**
 * Messages from the fake's phones to logged-in companions, encrypted the way WhatsApp
 * routes them: one `<message>` per device, `<enc type=pkmsg|msg>` from the sender's
 * phone (groups: an SKDM in pkmsg/msg the first time, then `<enc type=skmsg>`), or the
 * `<plaintext>` shortcut. The sender's own companions get a copy too (deviceSentMessage
 * in 1:1 chats), which is how a message typed on the phone reaches linked devices.
 * Devices that are offline get the message at their next login, as WhatsApp's offline
 * queue does. Also: the account's own phone talking to its companions (category="peer":
 * history sync, app-state key share), and resends on retry receipts.
 */
interface DeliveredStanza {
  sender: FakeAccount;
  message: proto.IMessage;
  attrs: Record<string, string>;
  group?: FakeGroup;
  groupAuthor?: string;
  /** 1:1: the deviceSentMessage copy for the sender's own companions */
  ownCopy?: DeliveredStanza;
}

interface GroupCipher {
  ciphertext: Uint8Array;
  skdm: Uint8Array;
}

interface QueuedStanza {
  stanza: DeliveredStanza;
  mode: EncryptionMode;
  groupCipher?: GroupCipher;
}

const MAX_REMEMBERED = 1000;

export class MessageDeliveryService {
  /** `${group}|${author}|${deviceJid}`: devices that already hold the author's sender key */
  private readonly senderKeysSent = new Set<string>();
  /** recent deliveries by message id, for receipts (who sent it) and retry resends */
  private readonly recent = new Map<string, DeliveredStanza>();
  /** messages for devices that were offline, delivered at their next login */
  private readonly offline = new Map<FakeDevice, QueuedStanza[]>();

  constructor(private readonly host: MessagingHost) {}

  /** account that sent a message the fake delivered, by id */
  senderOf(messageId: string): FakeAccount | undefined {
    return this.recent.get(messageId)?.sender;
  }

  async sendMessage(to: string, from: string, content: MessageContent, options: SendMessageOptions = {}): Promise<SentMessageKey> {
    return (await this.prepareMessage(to, from, content, options))();
  }

  /**
   * Everything sendMessage does up to the socket writes (the peer's encryption included);
   * calling the result writes the stanzas. Benchmarks encrypt ahead so that the rate they
   * inject at is not bounded by the fake phone's Signal work. Prepare and send in the same order.
   */
  async prepareMessage(to: string, from: string, content: MessageContent, options: SendMessageOptions = {}): Promise<() => SentMessageKey> {
    const { proto, generateMessageIDV2 } = this.host.baileys;
    const sender = resolvePeer(this.host, from, options.pushName);
    const groupJid = options.group ?? (isGroupJid(to) ? to : undefined);
    const group = groupJid ? this.host.groups.require(groupJid) : undefined;
    if (group && !group.isMember(sender)) throw new Error(`${sender.jid} is not a participant of ${group.id}`);
    const recipient = group ? sender : requireAccount(this.host, to);

    const message = proto.Message.fromObject(content);
    const addressing = group ? group.addressingMode : (options.addressing ?? 'pn');
    const lid = addressing === 'lid';
    const senderJid = lid ? sender.lid : sender.jid;
    const id = options.id ?? generateMessageIDV2(sender.jid);
    const base: Record<string, string> = { id, t: unixSeconds(options.timestamp), type: stanzaType(message), ...editAttr(message, !!group) };
    const notify = options.pushName ?? sender.pushName;
    if (notify) base.notify = notify;
    const senderAlt = lid ? sender.jid : sender.lid;
    const attrs: Record<string, string> = group
      ? { ...base, from: group.id, participant: senderJid, addressing_mode: addressing, [lid ? 'participant_pn' : 'participant_lid']: senderAlt }
      : { ...base, from: senderJid, [lid ? 'sender_pn' : 'sender_lid']: senderAlt };
    const stanza: DeliveredStanza = { sender, message, attrs, group, groupAuthor: group ? senderJid : undefined };
    if (!group && recipient !== sender) {
      // the sender's own companions get a deviceSentMessage copy addressed with `recipient`
      const destination = lid ? recipient.lid : recipient.jid;
      stanza.ownCopy = {
        sender,
        message: proto.Message.fromObject({ deviceSentMessage: { destinationJid: destination, message: message.toJSON() } }),
        attrs: {
          ...base,
          from: senderJid,
          recipient: destination,
          [lid ? 'peer_recipient_pn' : 'peer_recipient_lid']: lid ? recipient.jid : recipient.lid,
        },
      };
    }
    this.remember(id, stanza);

    const mode = options.encryption ?? 'signal';
    const groupCipher = group && mode !== 'plaintext' ? await this.groupCiphertext(stanza) : undefined;
    const out: Pick<MessageDeliveryRecord, 'devices' | 'queued'> = { devices: [], queued: [] };
    const writes: (() => void)[] = [];
    // in groups the sender's own companions get the same stanza (for them it is fromMe)
    await this.fanOut(stanza, group ? group.members() : [recipient], mode, groupCipher, out, writes);
    if (stanza.ownCopy) await this.fanOut(stanza.ownCopy, [sender], mode, undefined, out, writes);
    const key: SentMessageKey = { remoteJid: group ? group.id : senderJid, id, fromMe: false, ...(group ? { participant: senderJid } : {}) };
    const addressed = group ? group.members().filter((m) => m !== sender) : [recipient];
    return () => {
      for (const write of writes) write();
      this.host.publish('message-delivered', { key, from: sender.jid, to: addressed.map((t) => t.jid), ...out, at: new Date().toISOString() });
      return key;
    };
  }

  /**
   * Sends what was queued for `device` while it was offline (with `offline` set, which
   * Baileys upserts as 'append'); the caller then sends `<ib><offline count=N/>`.
   */
  async deliverOffline(conn: FakeConnection, device: FakeDevice): Promise<number> {
    const queue = this.offline.get(device) ?? [];
    this.offline.delete(device);
    for (const { stanza, mode, groupCipher } of queue) {
      const content = await this.encNodes(stanza, device, mode, groupCipher);
      conn.send({ tag: 'message', attrs: { ...stanza.attrs, offline: '1' }, content });
    }
    return queue.length;
  }

  /**
   * A message from `account`'s own phone to its companions (category="peer"), e.g. a
   * history sync notification or the app-state key share. Baileys only accepts those
   * protocol messages from its own account.
   */
  async sendFromOwnPhone(account: FakeAccount, content: proto.IMessage, only?: FakeDevice): Promise<{ id: string; devices: string[] }> {
    const { proto, generateMessageIDV2 } = this.host.baileys;
    const message = proto.Message.fromObject(content as Record<string, unknown>);
    const id = generateMessageIDV2(account.jid);
    const attrs = { id, from: account.jid, sender_lid: account.lid, t: unixSeconds(), type: 'text', category: 'peer' };
    this.remember(id, { sender: account, message, attrs });
    const devices: string[] = [];
    for (const { device, conn } of this.host.liveDevices(account)) {
      if (only && device !== only) continue;
      conn.send({ tag: 'message', attrs, content: await this.encNodes({ sender: account, message, attrs }, device, 'signal') });
      devices.push(device.jid);
    }
    return { id, devices };
  }

  /**
   * `<receipt type="retry">`: the client could not decrypt a message we delivered (e.g. its
   * session store is older than ours). Like a real sender: start a new session (from the
   * keys in the receipt, else the device's bundle) and send the message again.
   */
  async resendOnRetry(conn: FakeConnection, device: FakeDevice, receipt: BinaryNode): Promise<boolean> {
    const delivered = receipt.attrs.id ? this.recent.get(receipt.attrs.id) : undefined;
    if (!delivered) return false;
    const stanza = delivered.ownCopy && device.account === delivered.sender ? delivered.ownCopy : delivered;
    const phone = await this.host.signal.phone(stanza.sender);
    const bundle = retryBundle(receipt);
    if (bundle) await phone.injectSession(device, bundle);
    const count = child(receipt, 'retry')?.attrs.count ?? '1';
    if (stanza.group) this.senderKeysSent.delete(`${stanza.group.id}|${stanza.groupAuthor}|${device.jid}`);
    const groupCipher = stanza.group ? await this.groupCiphertext(stanza) : undefined;
    const content = await this.encNodes(stanza, device, bundle ? 'signal' : 'pkmsg', groupCipher);
    for (const node of content) if (node.tag === 'enc') node.attrs.count = count;
    conn.send({ tag: 'message', attrs: stanza.attrs, content });
    return true;
  }

  private async encNodes(stanza: DeliveredStanza, device: FakeDevice, mode: EncryptionMode, groupCipher?: GroupCipher): Promise<BinaryNode[]> {
    const { proto, encodeWAMessage } = this.host.baileys;
    if (mode === 'plaintext') return [{ tag: 'plaintext', attrs: {}, content: proto.Message.encode(stanza.message).finish() }];
    const phone = await this.host.signal.phone(stanza.sender);
    const extra = mediaTypeAttr(stanza.message);
    if (!stanza.group || !groupCipher) {
      const { type, ciphertext } = await phone.encryptFor(device, encodeWAMessage(stanza.message), mode);
      return [{ tag: 'enc', attrs: { v: '2', type, ...extra }, content: ciphertext }];
    }
    const nodes: BinaryNode[] = [];
    const memo = `${stanza.group.id}|${stanza.groupAuthor}|${device.jid}`;
    if (!this.senderKeysSent.has(memo) || mode === 'pkmsg') {
      const skdm = { senderKeyDistributionMessage: { groupId: stanza.group.id, axolotlSenderKeyDistributionMessage: groupCipher.skdm } };
      const { type, ciphertext } = await phone.encryptFor(device, encodeWAMessage(skdm), mode);
      nodes.push({ tag: 'enc', attrs: { v: '2', type, ...extra }, content: ciphertext });
      this.senderKeysSent.add(memo);
    }
    nodes.push({ tag: 'enc', attrs: { v: '2', type: 'skmsg', ...extra }, content: groupCipher.ciphertext });
    return nodes;
  }

  private async groupCiphertext(stanza: DeliveredStanza): Promise<GroupCipher> {
    const phone = await this.host.signal.phone(stanza.sender);
    const { ciphertext, senderKeyDistributionMessage } = await phone.repository.encryptGroupMessage({
      group: stanza.group?.id ?? '',
      meId: stanza.groupAuthor ?? stanza.sender.jid,
      data: this.host.baileys.encodeWAMessage(stanza.message),
    });
    return { ciphertext, skdm: senderKeyDistributionMessage };
  }

  /** to every active device of `accounts`: now if connected, else at its next login */
  private async fanOut(
    stanza: DeliveredStanza,
    accounts: FakeAccount[],
    mode: EncryptionMode,
    groupCipher: GroupCipher | undefined,
    out: Pick<MessageDeliveryRecord, 'devices' | 'queued'>,
    writes: (() => void)[],
  ): Promise<void> {
    for (const account of accounts) {
      const live = this.host.liveDevices(account);
      for (const device of account.activeDevices()) {
        const conn = live.find((l) => l.device === device)?.conn;
        if (!conn) {
          this.enqueue(device, { stanza, mode, groupCipher });
          out.queued.push(device.jid);
          continue;
        }
        const content = await this.encNodes(stanza, device, mode, groupCipher);
        writes.push(() => conn.send({ tag: 'message', attrs: stanza.attrs, content }));
        out.devices.push({ deviceJid: device.jid, connectionId: conn.id, encTypes: content.map((n) => n.attrs.type ?? n.tag) });
      }
    }
  }

  private enqueue(device: FakeDevice, entry: QueuedStanza): void {
    const queue = this.offline.get(device) ?? [];
    queue.push(entry);
    if (queue.length > MAX_REMEMBERED) queue.shift();
    this.offline.set(device, queue);
  }

  private remember(id: string, stanza: DeliveredStanza): void {
    this.recent.set(id, stanza);
    if (this.recent.size > MAX_REMEMBERED) this.recent.delete(this.recent.keys().next().value as string);
  }
}

/** the `type` attribute WhatsApp puts on message stanzas (mirrors Baileys' getMessageType) */
export function stanzaType(message: proto.IMessage): string {
  if (message.reactionMessage || message.encReactionMessage) return 'reaction';
  if (message.pollCreationMessage || message.pollCreationMessageV2 || message.pollCreationMessageV3 || message.pollUpdateMessage) return 'poll';
  if (message.eventMessage) return 'event';
  return mediaTypeAttr(message).mediatype ? 'media' : 'text';
}

function mediaTypeAttr(message: proto.IMessage): { mediatype?: string } {
  const media: Array<[unknown, string]> = [
    [message.imageMessage, 'image'],
    [message.videoMessage, message.videoMessage?.gifPlayback ? 'gif' : 'video'],
    [message.audioMessage, message.audioMessage?.ptt ? 'ptt' : 'audio'],
    [message.documentMessage, 'document'],
    [message.stickerMessage, 'sticker'],
    [message.contactMessage, 'vcard'],
    [message.contactsArrayMessage, 'contact_array'],
    [message.liveLocationMessage, 'livelocation'],
    [message.locationMessage, 'location'],
  ];
  const found = media.find(([part]) => !!part);
  return found ? { mediatype: found[1] } : {};
}

/** the sender's `edit` attribute: 1 = edit, 7 = revoke (8 = admin revoke in groups) */
function editAttr(message: proto.IMessage, inGroup: boolean): { edit?: string } {
  const protocol = message.protocolMessage;
  if (!protocol) return {};
  if (protocol.type === 14) return { edit: '1' };
  if (protocol.type === 0 || protocol.type === null || protocol.type === undefined) {
    const ownMessage = !protocol.key?.participant || !inGroup;
    return { edit: ownMessage ? '7' : '8' };
  }
  return {};
}

/** the `<keys>` Baileys attaches to retry receipts after the first attempt */
function retryBundle(receipt: BinaryNode): PreKeyBundle | undefined {
  const keys = child(receipt, 'keys');
  const identity = childBuffer(keys, 'identity');
  const skey = child(keys, 'skey');
  const key = child(keys, 'key');
  const registrationId = childUInt(receipt, 'registration');
  const skeyId = childUInt(skey, 'id');
  const skeyValue = childBuffer(skey, 'value');
  const signature = childBuffer(skey, 'signature');
  if (!identity || registrationId === undefined || skeyId === undefined || !skeyValue || !signature) return undefined;
  const keyId = childUInt(key, 'id');
  const keyValue = childBuffer(key, 'value');
  return {
    registrationId,
    identityKey: identity,
    signedPreKey: { keyId: skeyId, publicKey: skeyValue, signature },
    preKey: keyId !== undefined && keyValue ? { keyId, publicKey: keyValue } : undefined,
  };
}
