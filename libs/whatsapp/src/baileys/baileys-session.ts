import type { ConnectionState, WASocket } from '@whiskeysockets/baileys';
import { withSharedAsyncContext, withTimeout } from '@gw/common';
import type { Logger } from 'pino';
import { classifyDisconnect } from '../disconnect-policy';
import { describeClose } from './close-reason.util';
import type { EngineMessage } from '@gw/messages';
import type { ChatPresence, EngineGroupInfo, NumberCheck, OutgoingContent, SendOptions } from '../messaging.types';
import type {
  AuthStateStore,
  EngineAccount,
  EngineEvent,
  EngineEventListener,
  MediaDownload,
  SessionOptions,
  WhatsAppSession,
} from '../whatsapp-engine.port';
import { BaileysChatOperations } from './baileys-chat-operations';
import { BaileysMessaging } from './baileys-messaging';
import { BaileysGroupOperations } from './baileys-group-operations';
import { translateBaileysEvents } from './baileys-event.translator';
import { loadBaileys } from './baileys.loader';
import { downloadMedia, mediaContent } from './media-download';
import { RecentMessagesCache } from './recent-messages.cache';
import { PersistentAuthState, usePostgresAuthState } from './postgres-auth-state';
import { ProxyRoute } from '../proxy/proxy-route';
import { TtlCacheStore } from './ttl-cache.store';
import { watchConnect } from './connect-watchdog';

const HOUR_MS = 60 * 60_000;
const FIVE_MINUTES_MS = 5 * 60_000;

export interface BaileysSocketSettings {
  websocketUrl?: string;
  browser: [string, string, string];
  qrTimeoutMs: number;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  keepAliveIntervalMs: number;
}

const PROFILE_PICTURE_TIMEOUT_MS = 3000;

function bareJid(jid: string): string {
  const [user, server] = jid.split('@');
  return `${user.split(':')[0]}@${server}`;
}

/** One instance's link to WhatsApp through a Baileys socket. Each connect() builds a fresh socket. */
export class BaileysSession implements WhatsAppSession {
  private socket?: WASocket;
  private auth?: PersistentAuthState;
  private listeners: EngineEventListener[] = [];
  private readonly recent = new RecentMessagesCache();
  private readonly messaging: BaileysMessaging;
  readonly groups: BaileysGroupOperations;
  readonly chat: BaileysChatOperations;
  /** Set when we end the socket ourselves, so its close is not reported as a WhatsApp disconnect. */
  private intentionalEnd = false;
  /** This instance's proxy (agent + dispatcher), rebuilt at each connect from the stored setting. */
  private route?: ProxyRoute;
  /**
   * The socket's caches, with Baileys' lifetimes, kept across reconnects (retry counters and
   * device lists stay valid) and swept by one shared timer instead of an interval per cache.
   */
  private readonly caches = {
    msgRetryCounterCache: new TtlCacheStore(HOUR_MS),
    placeholderResendCache: new TtlCacheStore(HOUR_MS),
    callOfferCache: new TtlCacheStore(FIVE_MINUTES_MS),
    userDevicesCache: new TtlCacheStore(FIVE_MINUTES_MS),
  };

  constructor(
    private readonly options: SessionOptions,
    private readonly store: AuthStateStore,
    private readonly settings: BaileysSocketSettings,
    private readonly logger: Logger,
  ) {
    this.messaging = new BaileysMessaging(() => this.socket, logger.child({ instance: options.instanceName }));
    this.groups = new BaileysGroupOperations(() => this.socket, this.messaging.groups);
    this.chat = new BaileysChatOperations(() => this.socket, logger.child({ instance: options.instanceName }));
  }

  get instanceId() {
    return this.options.instanceId;
  }

  get fetchDispatcher() {
    return this.route?.dispatcher;
  }

  get accountJid(): string | undefined {
    const id = this.socket?.user?.id;
    return id ? bareJid(id) : undefined;
  }

  onEvent(listener: EngineEventListener): void {
    this.listeners.push(listener);
  }

  private emit(event: EngineEvent) {
    for (const l of this.listeners) l(event);
  }

  async connect(): Promise<void> {
    await this.endSocket();
    const baileys = await loadBaileys();
    const logger = this.logger.child({ instance: this.options.instanceName });
    const auth = (this.auth = await usePostgresAuthState(baileys, this.store, this.instanceId, logger, this.options.fence));
    this.intentionalEnd = false;

    // an instance setting; a change applies at the next connect
    const syncFullHistory = (await this.options.syncFullHistory?.().catch(() => false)) ?? false;
    // The proxy is read at every connect, so /proxy/set applies with a reconnect (no new QR).
    const proxy = (await this.options.proxy?.()) ?? null;
    await this.closeRoute();
    const route = (this.route = proxy ? ProxyRoute.of(proxy, this.settings.connectTimeoutMs) : undefined);
    if (route) logger.info({ proxy: route.label }, 'connecting through the instance proxy');
    // One shared async context for every socket's key-store transactions (see shared-async-context).
    const sock = withSharedAsyncContext(() => baileys.makeWASocket({
      ...(this.settings.websocketUrl ? { waWebSocketUrl: this.settings.websocketUrl } : {}),
      auth: auth.state,
      logger,
      // The websocket and media uploads use the Node agent; downloads, previews and avatars
      // use Node's fetch, which takes the undici dispatcher.
      ...(route ? { agent: route.agent as never, fetchAgent: route.agent as never, options: { dispatcher: route.dispatcher } as never } : {}),
      browser: this.settings.browser,
      qrTimeout: this.settings.qrTimeoutMs,
      // 0: no timer, stack traces and Boom per socket write; the connect is limited by watchConnect.
      connectTimeoutMs: 0,
      defaultQueryTimeoutMs: this.settings.queryTimeoutMs,
      // Baileys' keep-alive is the watchdog: no traffic for interval + 5 s closes with 408.
      keepAliveIntervalMs: this.settings.keepAliveIntervalMs,
      markOnlineOnConnect: false,
      syncFullHistory,
      emitOwnEvents: false,
      generateHighQualityLinkPreview: false,
      getMessage: async () => undefined,
      cachedGroupMetadata: this.messaging.cachedGroupMetadata,
      ...this.caches,
    }));
    this.socket = sock;
    watchConnect(sock, this.settings.connectTimeoutMs);
    // Whether WhatsApp was reached at all: a close before this is a DNS, TCP or TLS failure.
    let reached = false;
    sock.ws.once('open', () => (reached = true));

    // Kept before translation, so a webhook that wants the media can download it. Only media:
    // the rest (e.g. history-sync notifications with their inline payloads) is never downloaded.
    sock.ev.on('messages.upsert', ({ messages }) => this.recent.add(messages.filter((m) => mediaContent(baileys, m))));
    this.messaging.watch(sock);
    translateBaileysEvents(baileys, sock.ev, (event) => sock === this.socket && this.deliver(event), logger);
    sock.ev.on('creds.update', () => {
      auth.saveCreds().catch((err) => logger.error({ err }, 'could not persist WhatsApp credentials'));
    });
    sock.ev.on('connection.update', (update) => {
      if (sock !== this.socket) return; // a stale socket's late events must not leak
      if (update.qr) this.emit({ type: 'qr', code: update.qr });
      if (update.connection === 'connecting') this.emit({ type: 'connecting' });
      if (update.connection === 'open') void this.reportOpen(sock);
      if (update.connection === 'close') void this.reportClose(update, reached);
    });
  }

  /**
   * Events that arrive while `open` waits for the avatar (messages right after login do) are held
   * and released after it: nothing about an account may reach the gateway before its `open`.
   */
  private held: EngineEvent[] | undefined;

  private deliver(event: EngineEvent) {
    if (this.held) this.held.push(event);
    else this.emit(event);
  }

  private releaseHeld() {
    const held = this.held ?? [];
    this.held = undefined;
    for (const event of held) this.emit(event);
  }

  private async reportOpen(sock: WASocket) {
    const me = sock.user;
    if (!me) return;
    this.held ??= [];
    const jid = bareJid(me.id);
    const account: EngineAccount = { jid, lid: me.lid ? bareJid(me.lid) : undefined, pushName: me.name ?? me.notify };
    // The avatar is nice to have in CONNECTION_UPDATE, never worth delaying `open` for long.
    account.profilePictureUrl = await withTimeout(sock.profilePictureUrl(jid, 'image'), PROFILE_PICTURE_TIMEOUT_MS, 'avatar')
      .then((url) => url ?? null)
      .catch(() => null);
    if (sock === this.socket) this.emit({ type: 'open', account });
    this.releaseHeld();
  }

  private async reportClose(update: Partial<ConnectionState>, reached: boolean) {
    this.socket = undefined;
    this.releaseHeld(); // what arrived before the close still happened
    if (this.intentionalEnd) return;
    const { statusCode, reason, cause } = describeClose(update.lastDisconnect?.error, reached);
    const disposition = classifyDisconnect(statusCode);
    await this.auth?.flush();
    if (disposition === 'logged-out') await this.store.clear(this.instanceId);
    this.emit({ type: 'close', statusCode, reason, disposition, cause });
  }

  private async endSocket() {
    const sock = this.socket;
    if (!sock) return;
    this.intentionalEnd = true;
    this.socket = undefined;
    await sock.end(undefined);
  }

  async close(): Promise<void> {
    await this.endSocket();
    await this.auth?.flush();
    await this.closeRoute();
  }

  private async closeRoute() {
    const route = this.route;
    this.route = undefined;
    await route?.close();
  }

  async logout(): Promise<void> {
    const sock = this.socket;
    this.intentionalEnd = true;
    this.socket = undefined;
    if (sock) {
      // logout() tells WhatsApp to unlink this device when logged in; otherwise just end.
      await sock.logout().catch((err) => this.logger.warn({ err: String(err) }, 'logout request failed'));
      await sock.end(undefined);
    }
    await this.auth?.flush();
    await this.store.clear(this.instanceId);
    await this.closeRoute();
  }

  async downloadMedia(messageId: string, maxBytes: number): Promise<MediaDownload> {
    const msg = this.recent.get(messageId);
    if (!msg || !this.socket) return { ok: false, reason: 'unknown-message' };
    return downloadMedia(await loadBaileys(), this.socket, msg, maxBytes, this.logger, this.route?.dispatcher);
  }

  sendMessage(jid: string, content: OutgoingContent, options?: SendOptions): Promise<EngineMessage> {
    return this.messaging.sendMessage(jid, content, options);
  }

  onWhatsApp(numbers: string[]): Promise<NumberCheck[]> {
    return this.messaging.onWhatsApp(numbers);
  }

  sendPresence(jid: string, presence: ChatPresence): Promise<void> {
    return this.messaging.sendPresence(jid, presence);
  }

  groupMetadata(jid: string): Promise<EngineGroupInfo | undefined> {
    return this.messaging.groupMetadata(jid);
  }

  async requestPairingCode(phoneNumber: string): Promise<string> {
    if (!this.socket) throw new Error('not connected');
    return this.socket.requestPairingCode(phoneNumber.replace(/\D/g, ''));
  }
}
