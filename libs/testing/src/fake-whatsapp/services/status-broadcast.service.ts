import type { BinaryNode } from '@whiskeysockets/baileys';
import type { FakeAccount, FakeDevice } from '../registries/fake-account.registry';
import type { ClientReceiptRecord, DeliveredDevice, EncryptionMode, MessageContent, SentMessageKey } from '../fake-messaging.types';
import { stanzaType } from './message-delivery.service';
import { requireAccount, resolvePeer, unixSeconds, type MessagingHost } from './messaging-host.types';

/**
 * Statuses ("stories") a peer posts: WhatsApp sends them to the viewers' devices as
 * `<message from="status@broadcast" participant=poster>`, encrypted like a group message
 * whose group is `status@broadcast` (the poster's sender key in an SKDM over pkmsg/msg the
 * first time, then `<enc type=skmsg>`). Baileys upserts them with key
 * {remoteJid:'status@broadcast', participant}; the receipts the viewers' clients send
 * back (`to=status@broadcast`, participant = poster) are in ClientTrafficService's log.
 * Devices that are offline do not get the status (the fake keeps no status queue).
 */
export const STATUS_BROADCAST_JID = 'status@broadcast';

export interface PostStatusOptions {
  id?: string;
  pushName?: string;
  /** unix seconds (default: now); Baileys does not retry statuses older than 24 h */
  timestamp?: number;
  /** 'signal' (default): SKDM + skmsg as WhatsApp does; 'pkmsg' re-sends the SKDM; or 'plaintext' */
  encryption?: Exclude<EncryptionMode, 'msg'>;
}

export interface StatusPostRecord {
  key: SentMessageKey;
  from: string;
  /** viewer accounts */
  to: string[];
  devices: DeliveredDevice[];
  /** viewer devices that were not connected (they never get this status) */
  offline: string[];
}

export class StatusBroadcastService {
  /** `${poster}|${deviceJid}`: devices that already hold the poster's status sender key */
  private readonly senderKeysSent = new Set<string>();

  constructor(
    private readonly host: MessagingHost,
    private readonly clientReceipts: () => ClientReceiptRecord[],
  ) {}

  /** `from` (jid or phone; unknown phones become accounts) posts `content` for the `viewers` */
  async post(viewers: string[], from: string, content: MessageContent, options: PostStatusOptions = {}): Promise<StatusPostRecord> {
    const { proto, generateMessageIDV2, encodeWAMessage } = this.host.baileys;
    const poster = resolvePeer(this.host, from, options.pushName);
    const accounts = viewers.map((v) => requireAccount(this.host, v));
    const message = proto.Message.fromObject(content);
    const id = options.id ?? generateMessageIDV2(poster.jid);
    const attrs: Record<string, string> = {
      id,
      from: STATUS_BROADCAST_JID,
      participant: poster.jid,
      participant_lid: poster.lid,
      t: unixSeconds(options.timestamp),
      type: stanzaType(message),
    };
    const notify = options.pushName ?? poster.pushName;
    if (notify) attrs.notify = notify;
    const mode = options.encryption ?? 'signal';
    const skmsg =
      mode === 'plaintext'
        ? undefined
        : await (await this.host.signal.phone(poster)).repository.encryptGroupMessage({
            group: STATUS_BROADCAST_JID,
            meId: poster.jid,
            data: encodeWAMessage(message),
          });
    const record: StatusPostRecord = {
      key: { remoteJid: STATUS_BROADCAST_JID, id, fromMe: false, participant: poster.jid },
      from: poster.jid,
      to: accounts.map((a) => a.jid),
      devices: [],
      offline: [],
    };
    for (const account of accounts) {
      const live = this.host.liveDevices(account);
      for (const device of account.activeDevices()) {
        const conn = live.find((l) => l.device === device)?.conn;
        if (!conn) {
          record.offline.push(device.jid);
          continue;
        }
        const nodes = skmsg && mode !== 'plaintext'
          ? await this.encNodes(poster, device, mode, skmsg)
          : [{ tag: 'plaintext', attrs: {}, content: proto.Message.encode(message).finish() }];
        conn.send({ tag: 'message', attrs, content: nodes });
        record.devices.push({ deviceJid: device.jid, connectionId: conn.id, encTypes: nodes.map((n) => n.attrs.type ?? n.tag) });
      }
    }
    this.host.log(`status ${id} of ${poster.jid} → ${record.devices.length} device(s)`);
    return record;
  }

  /** receipts the clients sent for status `id` (delivery, read, …), oldest first */
  receiptsFor(id: string): ClientReceiptRecord[] {
    return this.clientReceipts().filter((r) => r.to === STATUS_BROADCAST_JID && r.ids.includes(id));
  }

  private async encNodes(
    poster: FakeAccount,
    device: FakeDevice,
    mode: 'signal' | 'pkmsg',
    skmsg: { ciphertext: Uint8Array; senderKeyDistributionMessage: Uint8Array },
  ): Promise<BinaryNode[]> {
    const nodes: BinaryNode[] = [];
    const memo = `${poster.jid}|${device.jid}`;
    if (!this.senderKeysSent.has(memo) || mode === 'pkmsg') {
      const skdm = {
        senderKeyDistributionMessage: { groupId: STATUS_BROADCAST_JID, axolotlSenderKeyDistributionMessage: skmsg.senderKeyDistributionMessage },
      };
      const phone = await this.host.signal.phone(poster);
      const { type, ciphertext } = await phone.encryptFor(device, this.host.baileys.encodeWAMessage(skdm), mode);
      nodes.push({ tag: 'enc', attrs: { v: '2', type }, content: ciphertext });
      this.senderKeysSent.add(memo);
    }
    nodes.push({ tag: 'enc', attrs: { v: '2', type: 'skmsg' }, content: skmsg.ciphertext });
    return nodes;
  }
}
