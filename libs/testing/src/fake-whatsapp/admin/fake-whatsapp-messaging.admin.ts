import type { IncomingMessage } from 'node:http';
import {
  HttpError,
  optionalNumber,
  optionalObject,
  optionalString,
  optionalStringArray,
  readJson,
  requireObject,
  requireString,
  type JsonBody,
} from './admin-http.util';
import type {
  CallOptions,
  ChatStateType,
  CreateGroupOptions,
  GroupAction,
  HistorySyncInput,
  PeerReceiptType,
  PresenceType,
  ReceiptOptions,
  SendMessageOptions,
} from '../fake-messaging.types';
import type { FakeWhatsAppServer } from '../fake-whatsapp.server';

/**
 * Admin routes for the peers' side of messaging (same shapes as the in-process API):
 *   POST /admin/messages             {to, from, content, options?}              → SentMessageKey
 *   POST /admin/presence             {to, from, type, lastSeen?}                → { devices }
 *   POST /admin/chatstate            {to, from, state, group?}                  → { devices }
 *   GET  /admin/groups                                                          → GroupInfo[]
 *   POST /admin/groups               {owner, subject, participants, options?}   → GroupInfo
 *   POST /admin/groups/notification  {group, author, action, participants?, value?} → GroupInfo
 *   POST /admin/history-sync         {to, chats?, contacts?, messages?, syncType?, progress?} → HistorySyncResult
 *   POST /admin/initial-history      {account, chats?, contacts?, messages?}    → { ok }
 *   POST /admin/realistic-account {phone, pushName?, contacts?, chats?, messages?, groups?, groupSize?} → RealisticAccountPlan
 *   POST /admin/calls                {to, from, options?}                       → { id, devices }
 *   POST /admin/receipts             {key:{remoteJid,id}, from, type?, options?} → { devices }
 *   GET  /admin/client-messages      ?from=&to=&id=                             → ClientMessageRecord[]
 *   GET  /admin/client-receipts      ?id=                                       → ClientReceiptRecord[]
 * Returns undefined for other routes.
 */
export async function routeMessaging(
  server: FakeWhatsAppServer,
  key: string,
  req: IncomingMessage,
  url: URL,
): Promise<{ body: unknown } | undefined> {
  const body = async (): Promise<JsonBody> => readJson(req);
  const query = (name: string): string | undefined => url.searchParams.get(name) ?? undefined;
  switch (key) {
    case 'POST /admin/messages': {
      const b = await body();
      const options = optionalObject(b, 'options') as SendMessageOptions;
      return { body: await server.sendMessage(requireString(b, 'to'), requireString(b, 'from'), requireObject(b, 'content'), options) };
    }
    case 'POST /admin/presence': {
      const b = await body();
      const type = requireString(b, 'type') as PresenceType;
      return { body: { devices: server.sendPresence(requireString(b, 'to'), requireString(b, 'from'), type, optionalNumber(b, 'lastSeen')) } };
    }
    case 'POST /admin/chatstate': {
      const b = await body();
      const state = requireString(b, 'state') as ChatStateType;
      return { body: { devices: server.sendChatState(requireString(b, 'to'), requireString(b, 'from'), state, optionalString(b, 'group')) } };
    }
    case 'GET /admin/groups':
      return { body: server.groupList };
    case 'POST /admin/groups': {
      const b = await body();
      const options = optionalObject(b, 'options') as CreateGroupOptions;
      return { body: server.createGroup(requireString(b, 'owner'), requireString(b, 'subject'), optionalStringArray(b, 'participants'), options) };
    }
    case 'POST /admin/groups/notification': {
      const b = await body();
      const value = b.value;
      if (value !== undefined && typeof value !== 'string' && typeof value !== 'boolean') {
        throw new HttpError(400, "'value' must be a string or boolean");
      }
      const action = requireString(b, 'action') as GroupAction;
      const participants = optionalStringArray(b, 'participants');
      return { body: server.groupNotification(requireString(b, 'group'), requireString(b, 'author'), action, participants, value) };
    }
    case 'POST /admin/history-sync': {
      const b = await body();
      return { body: await server.sendHistorySync(requireString(b, 'to'), historyInput(b)) };
    }
    case 'POST /admin/initial-history': {
      const b = await body();
      server.setInitialHistory(requireString(b, 'account'), historyInput(b));
      return { body: { ok: true } };
    }
    case 'POST /admin/realistic-account': {
      const b = await body();
      const size = (field: string) => optionalNumber(b, field);
      return {
        body: server.seedRealisticAccount(requireString(b, 'phone'), {
          pushName: optionalString(b, 'pushName'),
          contacts: size('contacts'),
          chats: size('chats'),
          messages: size('messages'),
          groups: size('groups'),
          groupSize: size('groupSize'),
        }),
      };
    }
    case 'POST /admin/calls': {
      const b = await body();
      return { body: server.sendCall(requireString(b, 'to'), requireString(b, 'from'), optionalObject(b, 'options') as CallOptions) };
    }
    case 'POST /admin/receipts': {
      const b = await body();
      const messageKey = requireObject(b, 'key');
      const keyArg = { remoteJid: requireString(messageKey, 'remoteJid'), id: requireString(messageKey, 'id') };
      const type = (optionalString(b, 'type') ?? 'delivery') as PeerReceiptType;
      return { body: { devices: server.sendReceipt(keyArg, requireString(b, 'from'), type, optionalObject(b, 'options') as ReceiptOptions) } };
    }
    case 'GET /admin/client-messages': {
      const [from, to, id] = [query('from'), query('to'), query('id')];
      return {
        body: server.messagesFromClient.filter(
          (m) => (!from || m.from === from || m.accountJid === from) && (!to || m.to === to) && (!id || m.id === id),
        ),
      };
    }
    case 'GET /admin/client-receipts': {
      const id = query('id');
      return { body: server.receiptsFromClient.filter((r) => !id || r.ids.includes(id)) };
    }
    default:
      return undefined;
  }
}

function historyInput(b: JsonBody): HistorySyncInput {
  const list = <T>(field: string): T[] | undefined => {
    const value = b[field];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw new HttpError(400, `'${field}' must be an array`);
    return value as T[];
  };
  return {
    chats: list('chats'),
    contacts: list('contacts'),
    messages: list('messages'),
    syncType: optionalString(b, 'syncType') as HistorySyncInput['syncType'],
    progress: optionalNumber(b, 'progress'),
  };
}
