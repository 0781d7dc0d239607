import type { WAMessage, WAMessageKey, WAMessageUpdate, MessageUserReceiptUpdate, proto } from '@whiskeysockets/baileys';
import type { EngineMessage, Json, MessageKey, MessageStatus, MessageUpdate } from '@gw/messages';
import type { Baileys } from './baileys.loader';
import { mediaContent } from './media-download';
import { messageContentToJson, toNumber } from './proto-json.util';

const STATUS_NAMES: MessageStatus[] = ['ERROR', 'PENDING', 'SERVER_ACK', 'DELIVERY_ACK', 'READ', 'PLAYED'];

/** WhatsApp's numeric ack (proto.WebMessageInfo.Status) to Evolution's status names. */
export function statusName(status: unknown, fallback: MessageStatus): MessageStatus {
  if (typeof status === 'string' && (STATUS_NAMES as string[]).includes(status)) return status as MessageStatus;
  const n = toNumber(status);
  return status === null || status === undefined ? fallback : (STATUS_NAMES[n] ?? fallback);
}

export function toKey(key: WAMessageKey | proto.IMessageKey): MessageKey {
  const k = key as WAMessageKey;
  const out: MessageKey = { remoteJid: k.remoteJid ?? '', fromMe: !!k.fromMe, id: k.id ?? '' };
  if (k.participant) out.participant = k.participant;
  if (k.remoteJidAlt) out.remoteJidAlt = k.remoteJidAlt;
  if (k.participantAlt) out.participantAlt = k.participantAlt;
  if (k.addressingMode) out.addressingMode = k.addressingMode;
  return out;
}

/** Content keys that are envelopes, not the message's type. */
const NOT_A_TYPE = new Set(['messageContextInfo', 'senderKeyDistributionMessage']);

export function messageTypeOf(content: Json | null, stub?: string): string {
  if (!content) return stub ? 'messageStub' : 'unknown';
  return Object.keys(content).find((k) => !NOT_A_TYPE.has(k)) ?? 'unknown';
}

export function toEngineMessage(baileys: Baileys, msg: WAMessage): EngineMessage {
  // ephemeral / view-once wrappers hide the real content one level down
  const content = messageContentToJson(baileys, baileys.normalizeMessageContent(msg.message));
  const stub = msg.messageStubType ? baileys.proto.WebMessageInfo.StubType[msg.messageStubType] : undefined;
  const key = toKey(msg.key);
  const out: EngineMessage = {
    key,
    pushName: msg.pushName ?? undefined,
    message: content,
    messageType: messageTypeOf(content, stub),
    messageTimestamp: toNumber(msg.messageTimestamp),
    status: statusName(msg.status, key.fromMe ? 'PENDING' : 'DELIVERY_ACK'),
    source: baileys.getDevice(key.id),
  };
  if (stub) out.messageStubType = stub;
  if (msg.messageStubParameters?.length) out.messageStubParameters = msg.messageStubParameters.map(String);
  const alt = key.participantAlt ?? key.remoteJidAlt;
  if (alt?.endsWith('@s.whatsapp.net')) out.senderPn = alt;
  if (mediaContent(baileys, msg)) out.hasMedia = true;
  return out;
}

export function toMessageUpdate(baileys: Baileys, { key, update }: WAMessageUpdate): MessageUpdate {
  const out: MessageUpdate = { key: toKey(key) };
  if (update.status !== undefined && update.status !== null) out.status = statusName(update.status, 'SERVER_ACK');
  const revoke = baileys.proto.WebMessageInfo.StubType.REVOKE;
  if (update.messageStubType === revoke || (update.message === null && update.messageStubType !== undefined)) {
    out.revoked = true;
    out.status = 'DELETED';
  }
  const edited = update.message?.editedMessage?.message ?? update.message?.protocolMessage?.editedMessage;
  if (edited) out.editedMessage = messageContentToJson(baileys, edited) ?? undefined;
  if (update.pollUpdates?.length) {
    out.pollUpdates = update.pollUpdates.map((p) => ({
      pollUpdateMessageKey: p.pollUpdateMessageKey ? toKey(p.pollUpdateMessageKey) : undefined,
      selectedOptions: (p.vote?.selectedOptions ?? []).map((o) => Buffer.from(o).toString('base64')),
      senderTimestampMs: toNumber(p.senderTimestampMs),
    }));
  }
  return out;
}

/** Group receipts come per reader; they become MESSAGES_UPDATE with the reader as participant. */
export function toReceiptUpdate({ key, receipt }: MessageUserReceiptUpdate): MessageUpdate {
  const status: MessageStatus = receipt.playedTimestamp ? 'PLAYED' : receipt.readTimestamp ? 'READ' : 'DELIVERY_ACK';
  return { key: toKey(key), status, receiptFrom: receipt.userJid ?? undefined };
}
