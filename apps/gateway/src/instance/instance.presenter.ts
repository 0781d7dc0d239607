import { InstanceWithConfig } from '@gw/persistence';
import { InstanceState, LastClose, QrSnapshot } from '@gw/instances';
import type { StoreCounts } from '@gw/store';
import { maskSecretHeaders } from '../webhook/secret-header.util';

/** Evolution v2 response shapes for the instance routes. */

export function settingsView(i: InstanceWithConfig) {
  const s = i.setting;
  return {
    rejectCall: s?.rejectCall ?? false,
    msgCall: s?.msgCall ?? '',
    groupsIgnore: s?.groupsIgnore ?? false,
    alwaysOnline: s?.alwaysOnline ?? false,
    readMessages: s?.readMessages ?? false,
    readStatus: s?.readStatus ?? false,
    syncFullHistory: s?.syncFullHistory ?? false,
    wavoipToken: s?.wavoipToken ?? '',
  };
}

export function qrcodeView(qr: QrSnapshot) {
  // Evolution drops undefined keys; we keep nulls so clients see every field.
  return { pairingCode: qr.pairingCode, code: qr.code, base64: qr.base64, count: qr.count };
}

/**
 * The connect (and restart) answer: `open`, the QR (Evolution's shape), or, when the last attempt
 * failed and there is no QR, the QR fields (null) plus the state and why it failed. `error` and
 * `message` are Evolution's own error keys; `reason` and `statusReason` match CONNECTION_UPDATE.
 */
export function connectView(instanceName: string, live: { state: InstanceState; qr: QrSnapshot; lastClose?: LastClose }) {
  if (live.state === 'open') return { instance: { instanceName, state: 'open' } };
  const { lastClose } = live;
  if (live.qr.code || live.qr.pairingCode || !lastClose) return qrcodeView(live.qr);
  const what = lastClose.cause === 'unreachable' ? 'WhatsApp cannot be reached' : 'the connection to WhatsApp closed';
  return {
    ...qrcodeView(live.qr),
    instance: { instanceName, state: live.state },
    error: true,
    message: `${what}: ${lastClose.reason}`,
    reason: lastClose.reason,
    statusReason: lastClose.statusCode,
  };
}

/** `integrations`: what the create body turned on besides the webhook (Evolution answers `{enabled}`). */
export function createdView(i: InstanceWithConfig, state: InstanceState, qr?: QrSnapshot, integrations: { rabbitmq?: { enabled: boolean } } = {}) {
  return {
    instance: {
      instanceName: i.name,
      instanceId: i.id,
      integration: i.integration,
      webhookWaBusiness: null,
      accessTokenWaBusiness: '',
      status: state,
    },
    hash: i.token,
    webhook: {
      webhookUrl: i.webhook?.url,
      webhookHeaders: maskSecretHeaders(i.webhook?.headers) ?? undefined,
      webhookByEvents: i.webhook?.webhookByEvents,
      webhookBase64: i.webhook?.webhookBase64,
    },
    websocket: {},
    rabbitmq: integrations.rabbitmq ?? {},
    nats: {},
    sqs: {},
    settings: settingsView(i),
    ...(qr ? { qrcode: qrcodeView(qr) } : {}),
  };
}

/** fetchInstances rows: Evolution v2 returns its Prisma rows, so we mirror their field names. */
export function instanceRowView(i: InstanceWithConfig, liveState: InstanceState | undefined, counts?: StoreCounts) {
  return {
    id: i.id,
    name: i.name,
    connectionStatus: liveState ?? i.connectionStatus,
    ownerJid: i.ownerJid,
    profileName: i.profileName,
    profilePicUrl: i.profilePicUrl,
    integration: i.integration,
    number: i.number,
    businessId: i.businessId,
    token: i.token,
    clientName: null,
    disconnectionReasonCode: i.disconnectionReasonCode,
    disconnectionObject: i.disconnectionObject,
    disconnectionAt: i.disconnectionAt,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    Chatwoot: null,
    Proxy: null,
    Rabbitmq: null,
    Nats: null,
    Sqs: null,
    Websocket: null,
    Setting: { ...settingsView(i), id: i.setting?.id, createdAt: i.setting?.createdAt, updatedAt: i.setting?.updatedAt, instanceId: i.id },
    _count: counts ?? { Message: 0, Contact: 0, Chat: 0 },
  };
}

export const logoutView = () => ({ status: 'SUCCESS', error: false, response: { message: 'Instance logged out' } });
export const deletedView = () => ({ status: 'SUCCESS', error: false, response: { message: 'Instance deleted' } });
