import type { BinaryNode } from '@whiskeysockets/baileys';
import { child, childrenByTag, children, S_WHATSAPP_NET } from '../protocol/binary-node.util';
import { decodeClientMessage, type DecodedClientMessage } from '../protocol/client-message.decoder';
import type { FakeAccount, FakeDevice } from '../registries/fake-account.registry';
import type { FakeConnection } from '../protocol/fake-connection.session';
import type { ClientMessageRecord, ClientReceiptRecord } from '../fake-messaging.types';
import type { GroupAdminService } from './group-admin.service';
import { handleGroupIq } from '../iq/group-iq.handler';
import { handleGroupPictureIq } from '../iq/group-picture-iq.handler';
import { isGroupJid } from '../registries/group-state.registry';
import { answerKeyBundles } from '../iq/key-bundle.handler';
import type { MessageDeliveryService } from './message-delivery.service';
import { unixSeconds, type MessagingHost } from './messaging-host.types';

/**
 * What a logged-in client sends besides plain session IQs: its messages (acked,
 * decrypted by the recipients' fake phones, relayed to other connected companions,
 * recorded), its receipts (recorded, acked, relayed to a sending client; retry receipts
 * make the fake resend), key
 * bundle and group IQs, and the `passive active` IQ after which the device is ready for
 * its initial sync.
 */
const MAX_RECORDS = 2000;
const FORWARDED_RECEIPTS = new Set(['read', 'read-self', 'played']);

export class ClientTrafficService {
  private readonly messageLog: ClientMessageRecord[] = [];
  private readonly receiptLog: ClientReceiptRecord[] = [];

  constructor(
    private readonly host: MessagingHost,
    private readonly delivery: MessageDeliveryService,
    private readonly groupAdmin: GroupAdminService,
    private readonly onDeviceReady: (conn: FakeConnection, device: FakeDevice) => void,
  ) {}

  get messages(): ClientMessageRecord[] {
    return [...this.messageLog];
  }

  get receipts(): ClientReceiptRecord[] {
    return [...this.receiptLog];
  }

  /** the account whose client sent message `id` */
  senderOf(id: string): FakeAccount | undefined {
    const record = [...this.messageLog].reverse().find((m) => m.id === id);
    return record ? this.host.accounts.resolve(record.accountJid)?.account : undefined;
  }

  /** true when the stanza was handled (and answered) here */
  async handle(conn: FakeConnection, device: FakeDevice, node: BinaryNode): Promise<boolean> {
    switch (node.tag) {
      case 'message':
        await this.onMessage(conn, device, node);
        return true;
      case 'receipt':
        await this.onReceipt(conn, device, node);
        return true;
      case 'call':
        // rejectCall() is a query: it waits for a stanza with its id
        conn.send({ tag: 'ack', attrs: { id: node.attrs.id ?? '', class: 'call', from: node.attrs.to ?? S_WHATSAPP_NET } });
        return true;
      case 'iq':
        return this.onIq(conn, device, node);
      default:
        return false;
    }
  }

  private async onIq(conn: FakeConnection, device: FakeDevice, iq: BinaryNode): Promise<boolean> {
    const xmlns = iq.attrs.xmlns;
    if (xmlns === 'encrypt' && iq.attrs.type === 'get' && child(iq, 'key')) {
      conn.send(await answerKeyBundles(this.host, iq));
      return true;
    }
    if (xmlns === 'w:g2') {
      conn.send(handleGroupIq(this.host, this.groupAdmin, device, iq));
      return true;
    }
    if (xmlns === 'w:profile:picture' && isGroupJid(iq.attrs.target ?? '')) {
      conn.send(handleGroupPictureIq(this.host, this.groupAdmin, device, iq));
      return true;
    }
    // Baileys sends <active/> after its pre-key upload, just before 'open'
    if (xmlns === 'passive' && child(iq, 'active')) setImmediate(() => this.onDeviceReady(conn, device));
    return false;
  }

  private async onMessage(conn: FakeConnection, device: FakeDevice, node: BinaryNode): Promise<void> {
    const { id = '', to = '' } = node.attrs;
    // the server acks on receipt; decryption is the recipients' business
    conn.send({ tag: 'ack', attrs: { class: 'message', id, from: to, t: unixSeconds() } });
    const decoded = await decodeClientMessage(this.host, device, node);
    this.relay(device, node, decoded);
    const record: ClientMessageRecord = {
      connectionId: conn.id,
      from: device.jid,
      accountJid: device.account.jid,
      to,
      id,
      type: node.attrs.type ?? 'text',
      ...(node.attrs.edit ? { edit: node.attrs.edit } : {}),
      message: decoded.message?.toJSON(),
      recipients: decoded.recipients,
      at: new Date().toISOString(),
    };
    push(this.messageLog, record);
    this.host.publish('client-message', record);
  }

  /** hands the copies for other connected companions over, as WhatsApp's fan-out would */
  private relay(sender: FakeDevice, node: BinaryNode, decoded: DecodedClientMessage): void {
    const { id = '', to = '', type = 'text' } = node.attrs;
    const group = isGroupJid(to) ? this.host.groups.get(to) : undefined;
    const skmsg = children(node).find((c) => c.tag === 'enc' && c.attrs.type === 'skmsg');
    const accounts = group ? group.members() : [...new Set([...decoded.forCompanions.keys()].map((j) => this.host.accounts.resolve(j)?.account))];
    for (const account of accounts) {
      if (!account) continue;
      for (const { device, conn } of this.host.liveDevices(account)) {
        if (device === sender) continue;
        const enc = decoded.forCompanions.get(device.jid);
        if (!enc && !(group && skmsg)) continue;
        const attrs: Record<string, string> = { id, t: unixSeconds(), type };
        if (sender.account.pushName) attrs.notify = sender.account.pushName;
        if (group) {
          const lid = group.addressingMode === 'lid';
          Object.assign(attrs, { from: group.id, participant: lid ? sender.lid : sender.jid, addressing_mode: group.addressingMode });
          attrs[lid ? 'participant_pn' : 'participant_lid'] = lid ? sender.jid : sender.lid;
        } else {
          Object.assign(attrs, { from: sender.jid, sender_lid: sender.lid });
          if (account === sender.account) attrs.recipient = to;
        }
        conn.send({ tag: 'message', attrs, content: [...(enc ? [enc] : []), ...(group && skmsg ? [skmsg] : [])] });
      }
    }
  }

  private async onReceipt(conn: FakeConnection, device: FakeDevice, node: BinaryNode): Promise<void> {
    const { id = '', to = '', type } = node.attrs;
    const ids = [id, ...childrenByTag(child(node, 'list'), 'item').map((i) => i.attrs.id ?? '')];
    const record: ClientReceiptRecord = {
      connectionId: conn.id,
      deviceJid: device.jid,
      accountJid: device.account.jid,
      to,
      ...(node.attrs.participant ? { participant: node.attrs.participant } : {}),
      ...(node.attrs.recipient ? { recipient: node.attrs.recipient } : {}),
      type: type ?? 'delivery',
      ids,
      at: new Date().toISOString(),
    };
    push(this.receiptLog, record);
    conn.send({ tag: 'ack', attrs: { class: 'receipt', id, from: to || S_WHATSAPP_NET, ...(type ? { type } : {}) } });
    this.host.publish('client-receipt', record);
    if (type === 'retry') await this.delivery.resendOnRetry(conn, device, node);
    else this.forwardReceipt(device, node);
  }

  /** receipts for a message another client sent go to that client, as WhatsApp relays them */
  private forwardReceipt(reader: FakeDevice, node: BinaryNode): void {
    const { id = '', to = '', type } = node.attrs;
    const forwarded = type === undefined || type === 'inactive' ? undefined : FORWARDED_RECEIPTS.has(type) ? type : null;
    const author = this.senderOf(id);
    if (forwarded === null || !author || author === reader.account) return;
    const group = isGroupJid(to) ? this.host.groups.get(to) : undefined;
    const attrs: Record<string, string> = group
      ? { id, t: unixSeconds(), from: group.id, participant: group.jidOf(reader.account) }
      : { id, t: unixSeconds(), from: reader.account.jid };
    if (forwarded) attrs.type = forwarded;
    const list = child(node, 'list');
    for (const { conn } of this.host.liveDevices(author)) conn.send({ tag: 'receipt', attrs, ...(list ? { content: [list] } : {}) });
  }
}

function push<T>(log: T[], entry: T): void {
  log.push(entry);
  if (log.length > MAX_RECORDS) log.shift();
}
