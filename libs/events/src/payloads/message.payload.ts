import type { EngineMessage, Json, MessageKey, MessageUpdate } from '@gw/whatsapp';

/** MESSAGES_UPSERT / MESSAGES_SET / SEND_MESSAGE record, as Evolution v2's prepareMessage builds it. */
export interface MessageRecord {
  key: MessageKey;
  pushName: string | null;
  status: EngineMessage['status'];
  /** The content; the pipeline adds `mediaUrl` and `base64` (or `base64: null` and why) to media messages. */
  message: Json | null;
  contextInfo: Json | null;
  messageType: string;
  messageTimestamp: number;
  instanceId: string;
  source: string;
  senderPn?: string;
  messageStubType?: string;
  messageStubParameters?: string[];
}

/** MESSAGES_UPDATE: `{keyId, remoteJid, fromMe, participant, status, instanceId, messageId?}` (+ edit/poll data). */
export interface MessageUpdateData {
  keyId: string;
  remoteJid: string;
  remoteJidAlt?: string;
  fromMe: boolean;
  participant: string | null;
  status: string;
  instanceId: string;
  messageId?: string;
  message?: Json;
  pollUpdates?: Json[];
}

/** MESSAGES_DELETE: the key of the deleted message. */
export interface MessageDeleteData {
  remoteJid: string;
  fromMe: boolean;
  id: string;
  participant?: string;
}

export function messageRecord(m: EngineMessage, instanceId: string): MessageRecord {
  let message = m.message ? { ...m.message } : null;
  // Group sender-key material is Signal bookkeeping (and key material): never forward it.
  if (message) delete message.senderKeyDistributionMessage;
  let messageType = m.messageType;
  const ext = message?.extendedTextMessage as { text?: string } | undefined;
  if (message && ext && typeof ext.text === 'string') {
    // Evolution flattens text into `conversation`, which is what most automations read
    const { extendedTextMessage: _ext, ...rest } = message;
    message = { ...rest, conversation: ext.text };
    messageType = 'conversation';
    const contextInfo = (ext as Json).contextInfo;
    return record(m, instanceId, message, messageType, (contextInfo as Json) ?? null);
  }
  const inner = message?.[messageType] as Json | undefined;
  return record(m, instanceId, message, messageType, (inner?.contextInfo as Json) ?? null);
}

function record(m: EngineMessage, instanceId: string, message: Json | null, messageType: string, contextInfo: Json | null): MessageRecord {
  return {
    key: m.key,
    pushName: m.pushName ?? null,
    status: m.status,
    message,
    contextInfo,
    messageType,
    messageTimestamp: m.messageTimestamp,
    instanceId,
    source: m.source,
    ...(m.senderPn ? { senderPn: m.senderPn } : {}),
    ...(m.messageStubType ? { messageStubType: m.messageStubType, messageStubParameters: m.messageStubParameters ?? [] } : {}),
  };
}

export function messageUpdatePayload(u: MessageUpdate, instanceId: string, messageId: string | undefined): MessageUpdateData {
  return {
    keyId: u.key.id,
    remoteJid: u.key.remoteJid,
    ...(u.key.remoteJidAlt ? { remoteJidAlt: u.key.remoteJidAlt } : {}),
    fromMe: u.key.fromMe,
    participant: u.receiptFrom ?? u.key.participant ?? null,
    status: u.status ?? (u.editedMessage ? 'SERVER_ACK' : 'DELETED'),
    instanceId,
    ...(messageId ? { messageId } : {}),
    ...(u.editedMessage ? { message: u.editedMessage } : {}),
    ...(u.pollUpdates ? { pollUpdates: u.pollUpdates } : {}),
  };
}

/** MESSAGES_DELETE carries the Baileys key of the deleted message. */
export function messageDeletePayload(key: MessageKey): MessageDeleteData {
  return { remoteJid: key.remoteJid, fromMe: key.fromMe, id: key.id, ...(key.participant ? { participant: key.participant } : {}) };
}

/** MESSAGES_EDITED: the protocolMessage of the edit `{key, type:"MESSAGE_EDIT", editedMessage, timestampMs}`. */
export function messageEditedPayload(m: EngineMessage): Json {
  return m.message?.protocolMessage as Json;
}
