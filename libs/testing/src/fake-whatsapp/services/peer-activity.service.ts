import type { BinaryNode } from '@whiskeysockets/baileys';
import type { FakeAccount } from '../registries/fake-account.registry';
import type { CallOptions, ChatStateType, PeerReceiptType, PresenceType, ReceiptOptions } from '../fake-messaging.types';
import { isGroupJid } from '../registries/group-state.registry';
import { requireAccount, resolvePeer, unixSeconds, type MessagingHost } from './messaging-host.types';

/**
 * Crypto-free stanzas a peer's phone causes towards an account's companions:
 * `<presence>` and `<chatstate>` (Baileys presence.update), `<call>` (call event) and
 * `<receipt>` for messages the client sent (messages.update status 3/4/5, or
 * message-receipt.update in groups). Each returns the device jids it reached.
 */
const CALL_TAGS: Record<string, string> = {
  offer: 'offer',
  // Baileys maps tags it does not know to 'ringing'
  ringing: 'ringing',
  accept: 'accept',
  reject: 'reject',
  terminate: 'terminate',
  timeout: 'terminate',
};

export class PeerActivityService {
  constructor(
    private readonly host: MessagingHost,
    /** the account whose client sent a message, for receipts without options.to */
    private readonly senderOf: (messageId: string) => FakeAccount | undefined,
  ) {}

  sendPresence(to: string, from: string, type: PresenceType, lastSeen?: number): string[] {
    const peer = resolvePeer(this.host, from);
    const attrs: Record<string, string> = { from: peer.jid };
    if (type === 'unavailable') {
      attrs.type = 'unavailable';
      if (lastSeen !== undefined) attrs.last = String(lastSeen);
    }
    return this.push(requireAccount(this.host, to), { tag: 'presence', attrs });
  }

  sendChatState(to: string, from: string, state: ChatStateType, group?: string): string[] {
    const peer = resolvePeer(this.host, from);
    const groupState = group ? this.host.groups.require(group) : undefined;
    const attrs: Record<string, string> = groupState
      ? { from: groupState.id, participant: groupState.jidOf(peer) }
      : { from: peer.jid };
    // recording is <composing media="audio"/>, paused its own tag (Baileys chats.js)
    const child: BinaryNode =
      state === 'recording' ? { tag: 'composing', attrs: { media: 'audio' } } : { tag: state, attrs: {} };
    return this.push(requireAccount(this.host, to), { tag: 'chatstate', attrs, content: [child] });
  }

  sendCall(to: string, from: string, options: CallOptions = {}): { id: string; devices: string[] } {
    const peer = resolvePeer(this.host, from);
    const status = options.status ?? 'offer';
    const tag = CALL_TAGS[status];
    if (!tag) throw new Error(`unknown call status '${status}'`);
    const id = options.id ?? `FAKECALL${this.host.nextStanzaId().replace(/\W/g, '').toUpperCase()}`;
    const info: Record<string, string> = { 'call-id': id, 'call-creator': peer.jid, count: '0' };
    if (status === 'timeout') info.reason = 'timeout';
    if (options.group) {
      info['group-jid'] = this.host.groups.require(options.group).id;
      info.type = 'group';
    }
    const media: BinaryNode[] = status === 'offer'
      ? [options.isVideo ? { tag: 'video', attrs: { enc: 'vp8', dec: 'vp8' } } : { tag: 'audio', attrs: { enc: 'opus', rate: '16000' } }]
      : [];
    const node: BinaryNode = {
      tag: 'call',
      attrs: { from: peer.jid, id: this.host.nextStanzaId(), t: unixSeconds(options.timestamp) },
      content: [{ tag, attrs: info, ...(media.length ? { content: media } : {}) }],
    };
    return { id, devices: this.push(requireAccount(this.host, to), node) };
  }

  /**
   * `from` delivered/read/played message `key` (one the client sent). 1:1 receipts come
   * from key.remoteJid when that is `from` (so the key matches the client's own), group
   * receipts from the group with `participant`.
   */
  sendReceipt(key: { remoteJid: string; id: string }, from: string, type: PeerReceiptType = 'delivery', options: ReceiptOptions = {}): string[] {
    const peer = resolvePeer(this.host, from);
    const target = options.to ? requireAccount(this.host, options.to) : this.senderOf(key.id);
    if (!target) throw new Error(`don't know who sent message ${key.id}; pass options.to`);
    const attrs: Record<string, string> = { id: key.id, t: unixSeconds(options.timestamp) };
    if (type !== 'delivery') attrs.type = type;
    if (isGroupJid(key.remoteJid)) {
      const group = this.host.groups.require(key.remoteJid);
      Object.assign(attrs, { from: group.id, participant: group.jidOf(peer) });
    } else {
      const named = this.host.accounts.resolve(key.remoteJid)?.account === peer;
      attrs.from = named ? key.remoteJid.replace(/:\d+@/, '@') : peer.jid;
    }
    return this.push(target, { tag: 'receipt', attrs });
  }

  private push(account: FakeAccount, node: BinaryNode): string[] {
    const live = this.host.liveDevices(account);
    for (const { conn } of live) conn.send(node);
    return live.map((l) => l.device.jid);
  }
}
