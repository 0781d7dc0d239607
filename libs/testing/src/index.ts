/**
 * @gw/testing — test infrastructure shared by the apps' specs.
 * The fake WhatsApp server drives real Baileys clients; see fake-whatsapp/fake-whatsapp.server.ts.
 */
export { FakeWhatsAppServer, FAKE_WA_WS_PATH } from './fake-whatsapp/fake-whatsapp.server';
export { FakeMediaHost, type UploadedMedia } from './fake-whatsapp/fake-media-host.server';
export type * from './fake-whatsapp/fake-whatsapp.types';
export type * from './fake-whatsapp/fake-messaging.types';
export type { HistorySyncOnLogin } from './fake-whatsapp/services/history-sync.service';
export { STATUS_BROADCAST_JID, type PostStatusOptions, type StatusPostRecord } from './fake-whatsapp/services/status-broadcast.service';
export type { CompanionPropsInfo } from './fake-whatsapp/protocol/companion-props.decoder';
export { FakeWhatsAppAdminClient, FakeWhatsAppAdminError, type AdminEventPayload } from './fake-whatsapp/admin/fake-whatsapp.client';
export {
  startFakeWhatsAppProcess,
  resolveFakeWhatsAppEntry,
  FAKE_WA_DIST_ENTRY,
  type FakeWhatsAppProcess,
  type StartFakeWhatsAppProcessOptions,
} from './fake-whatsapp/fake-whatsapp.process';
export {
  DISCONNECT_REASONS,
  resolveKickCode,
  type DisconnectReasonName,
  type KickReason,
} from './fake-whatsapp/protocol/disconnect-reason.util';
export type { FakeAccount, FakeDevice } from './fake-whatsapp/registries/fake-account.registry';
export type { JournalEntry } from './fake-whatsapp/registries/event-journal.store';
export {
  planRealisticAccount,
  type RealisticAccountOptions,
  type RealisticAccountPlan,
  type RealisticGroupPlan,
} from './fake-whatsapp/services/realistic-account.builder';
export { parsePairingQr, type ParsedPairingQr } from './fake-whatsapp/protocol/pairing-qr.util';
export type { ClientAppStatePatch, FakeProfile, FakeBusinessProfile } from './fake-whatsapp/registries/account-profile.registry';
export { loadBaileys, type BaileysModule } from './fake-whatsapp/protocol/baileys.loader';
export { createMemoryAuthState, type MemoryAuthState } from './fake-whatsapp/client/memory-auth-state.factory';
export {
  BaileysConnectionWatcher,
  createBaileysTestSocket,
  disconnectStatusCode,
  type BaileysTestSocket,
  type ConnectionUpdate,
} from './fake-whatsapp/client/baileys-test-socket.kit';
export {
  linkNewDevice,
  nextBaileysEvent,
  nextUpsertedMessage,
  type BaileysEventName,
  type LinkedDevice,
} from './fake-whatsapp/client/baileys-events.kit';
export { WebhookReceiver, type ReceivedWebhook } from './webhook-receiver/webhook-receiver';
export { GatewayProcess, freePort, rssMb, type ApiResponse } from './harness/gateway-process';
export { nodeCommandOf, type NodeCommand } from './harness/start-script';
export { findKeyMaterial } from './harness/key-material-scan';
export { TestDatabase } from './harness/test-database';
export { statementText } from './harness/statement-text.util';
export { decodeQrDataUrl } from './harness/qr-decode';
export { chromiumPath, decodeQrScreenshot, launchChromium } from './harness/chromium-browser';
export { RedisServerControl } from './harness/redis-server.control';
export { QueueEventLog, type QueueEventKind } from './harness/queue-event-log';
export { deleteRedisPrefix } from './harness/redis-prefix.util';
export { PostgresServerControl } from './harness/postgres-server.control';
export { RabbitmqBrokerProcess, rabbitmqInstalled } from './harness/rabbitmq-broker.process';
export { FakeGraphApiServer, fakeWamid, type FakePhoneNumber, type GraphRequest } from './fake-graph-api/fake-graph-api.server';
export { metaNotification, metaSignature, metaTextMessage, type NotificationAccount } from './fake-graph-api/meta-notification.builder';
export { HttpConnectProxy, type ProxiedConnection } from './proxies/http-connect-proxy';
export { SocksProxyProcess, microsocksPath } from './proxies/socks-proxy.process';
