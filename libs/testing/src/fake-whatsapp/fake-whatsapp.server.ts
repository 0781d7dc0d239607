import { SIGNAL_LIBRARIES, captureConsole } from '@gw/common';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { BinaryNode } from '@whiskeysockets/baileys';
import { loadBaileys, type BaileysModule } from './protocol/baileys.loader';
import { ConnectionHub } from './services/connection-hub.service';
import { DevicePairingService } from './services/device-pairing.service';
import type { KickReason } from './protocol/disconnect-reason.util';
import { EventJournal } from './registries/event-journal.store';
import { waitForEvent } from './registries/event-waiter.util';
import { FakeAccountRegistry, type FakeAccount, type FakeDevice } from './registries/fake-account.registry';
import type { FakeConnection } from './protocol/fake-connection.session';
import type {
  CallOptions,
  ChatStateType,
  ClientMessageRecord,
  ClientReceiptRecord,
  CreateGroupOptions,
  GroupAction,
  GroupInfo,
  HistorySyncInput,
  HistorySyncResult,
  MessageContent,
  PeerReceiptType,
  PresenceType,
  ReceiptOptions,
  SendMessageOptions,
  SentMessageKey,
} from './fake-messaging.types';
import { createAdminRequestHandler } from './admin/fake-whatsapp.admin';
import { planRealisticAccount, type RealisticAccountOptions, type RealisticAccountPlan } from './services/realistic-account.builder';
import type {
  AccountInfo,
  ConnectionInfo,
  CreateAccountOptions,
  DisconnectRecord,
  FakeWhatsAppEventName,
  FakeWhatsAppEvents,
  FakeWhatsAppServerOptions,
  FakeWhatsAppState,
  LogoutRecord,
  PairedAccount,
  RegistrationInfo,
  ScanOptions,
} from './fake-whatsapp.types';
import { GroupStateRegistry } from './registries/group-state.registry';
import { requireAccount, resolvePeer, type MessagingHost } from './services/messaging-host.types';
import { createMessagingServices, type MessagingServices } from './services/messaging-services.factory';
import { PeerSignalRegistry } from './registries/peer-signal.registry';
import { handleSessionIq } from './iq/session-iq.handler';
import { FakeMediaHost, isMediaConnIq } from './fake-media-host.server';
import { AccountProfileRegistry, type ClientAppStatePatch, type FakeProfile } from './registries/account-profile.registry';
import { handleProfileIq } from './iq/profile-iq.handler';
import { createServerNoiseIdentity } from './protocol/server-noise.session';
import type { StatusBroadcastService } from './services/status-broadcast.service';
import { loadWs, type WsServer } from './protocol/ws.loader';

export const FAKE_WA_WS_PATH = '/ws/chat';

type EventPayload<K extends FakeWhatsAppEventName> = FakeWhatsAppEvents[K][0];

/**
 * A local WhatsApp Web server for end-to-end tests of real, unmodified Baileys clients
 * (`waWebSocketUrl: server.url`). It plays both WhatsApp's servers and the users' phones:
 * tests "scan" QR codes, enter pairing codes, kick sessions, and make peers message,
 * call, type and run groups through this API (or the HTTP admin API on the same port),
 * and await its events instead of sleeping.
 */
export class FakeWhatsAppServer extends EventEmitter<FakeWhatsAppEvents> {
  readonly journal = new EventJournal();
  private readonly registry: FakeAccountRegistry;
  private readonly pairing: DevicePairingService;
  private readonly hub: ConnectionHub;
  private readonly signal: PeerSignalRegistry;
  private readonly groups = new GroupStateRegistry();
  private readonly profiles = new AccountProfileRegistry();
  private readonly host: MessagingHost;
  private readonly messaging: MessagingServices;
  private readonly wss: WsServer;
  private readonly http: Server;
  /** WhatsApp's media servers (HTTPS), when started with `mediaHost: true` */
  media?: FakeMediaHost;
  private stanzaSeq = 0;
  private listeningPort = 0;

  private constructor(
    private readonly baileys: BaileysModule,
    private readonly options: Required<Omit<FakeWhatsAppServerOptions, 'log'>>,
    private readonly log: (message: string) => void,
  ) {
    super();
    this.registry = new FakeAccountRegistry(() => baileys.Curve.generateKeyPair(), options.firstPhoneNumber);
    this.pairing = new DevicePairingService({
      baileys,
      accounts: this.registry,
      qrRefCount: options.qrRefCount,
      pairingTimeoutMs: options.pairingTimeoutMs,
      nextStanzaId: () => this.nextStanzaId(),
      onRegistration: (info) => this.publish('registration', info),
      onPairingCodeRequest: (reg, phone) =>
        this.publish('pairing-code-request', { registrationId: reg.id, connectionId: reg.connectionId, phone }),
      onPaired: (conn, device) => this.hub.onPaired(conn, device),
    });
    this.hub = new ConnectionHub({
      baileys,
      identity: createServerNoiseIdentity(baileys),
      accounts: this.registry,
      pairing: this.pairing,
      handshakeSettleMs: options.handshakeSettleMs,
      closeGraceMs: options.closeGraceMs,
      log,
      publish: (event, payload) => this.publish(event, payload),
      onSessionStanza: (conn, device, node) => this.onSessionStanza(conn, device, node),
      deliverOffline: (conn, device) => this.messaging.delivery.deliverOffline(conn, device),
    });
    this.signal = new PeerSignalRegistry(baileys);
    this.host = {
      baileys,
      accounts: this.registry,
      signal: this.signal,
      groups: this.groups,
      liveDevices: (account) => this.hub.liveDevices(account),
      nextStanzaId: () => this.nextStanzaId(),
      publish: (event, payload) => this.publish(event, payload),
      log,
    };
    this.messaging = createMessagingServices(this.host, options.historySyncOnLogin);
    this.wss = new (loadWs().WebSocketServer)({ noServer: true, maxPayload: 64 * 1024 * 1024 });
    const admin = options.admin ? createAdminRequestHandler(this) : undefined;
    this.http = createServer((req, res) => (admin ? admin(req, res) : res.writeHead(404).end()));
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
  }

  /** Loads Baileys (codec, protobufs, curve), then listens on host:port (port 0 = random). */
  static async start(options: FakeWhatsAppServerOptions = {}): Promise<FakeWhatsAppServer> {
    const baileys = await loadBaileys();
    // The phones' libsignal prints session dumps (private keys) to the console: keep them out of
    // test output, wherever this server runs (a test process keeps its own console.* calls).
    const log = options.log;
    captureConsole((_level, message) => log?.(`libsignal: ${message}`), { onlyFrom: SIGNAL_LIBRARIES });
    const server = new FakeWhatsAppServer(
      baileys,
      {
        host: options.host ?? '127.0.0.1',
        port: options.port ?? 0,
        qrRefCount: options.qrRefCount ?? 6,
        handshakeSettleMs: options.handshakeSettleMs ?? 20,
        closeGraceMs: options.closeGraceMs ?? 1000,
        pairingTimeoutMs: options.pairingTimeoutMs ?? 10_000,
        admin: options.admin ?? true,
        firstPhoneNumber: options.firstPhoneNumber ?? 5511900000001,
        historySyncOnLogin: options.historySyncOnLogin ?? 'first',
        mediaHost: options.mediaHost ?? false,
      },
      options.log ?? (() => undefined),
    );
    await new Promise<void>((resolve, reject) => {
      server.http.once('error', reject);
      server.http.listen(server.options.port, server.options.host, () => {
        server.http.off('error', reject);
        resolve();
      });
    });
    server.listeningPort = (server.http.address() as AddressInfo).port;
    if (options.mediaHost) server.media = await new FakeMediaHost().start();
    return server;
  }

  get port(): number {
    return this.listeningPort;
  }

  /** pass as Baileys' `waWebSocketUrl` */
  get url(): string {
    return `ws://${this.options.host}:${this.port}${FAKE_WA_WS_PATH}`;
  }

  get adminUrl(): string {
    return `http://${this.options.host}:${this.port}`;
  }

  get connections(): ConnectionInfo[] {
    return this.hub.connections;
  }

  get registrations(): RegistrationInfo[] {
    return this.pairing.list();
  }

  get accounts(): AccountInfo[] {
    return this.registry.list().map((a) => a.toInfo());
  }

  get logouts(): LogoutRecord[] {
    return this.hub.logouts;
  }

  get disconnects(): DisconnectRecord[] {
    return this.hub.disconnects;
  }

  state(): FakeWhatsAppState {
    return {
      url: this.url,
      connections: this.connections,
      registrations: this.registrations,
      accounts: this.accounts,
      logouts: this.logouts,
    };
  }

  /** the mutable account model (for message helpers built on top of the server) */
  getAccount(jidOrPhone: string): FakeAccount | undefined {
    return this.registry.resolve(jidOrPhone)?.account;
  }

  /** A WhatsApp user without linked devices yet (e.g. a contact that will send messages). */
  createAccount(options: CreateAccountOptions = {}): AccountInfo {
    return this.registry.create(options).toInfo();
  }

  /**
   * The phone scans `qr` (the string from Baileys' connection.update): links a new device
   * to a new account (or to `options.phone`'s account) and resolves once the client has
   * accepted <pair-success>; the server then restarts its stream with 515.
   */
  scan(qr: string, options: ScanOptions = {}): Promise<PairedAccount> {
    return this.pairing.scan(qr, options);
  }

  /** The user of `phone` types the code returned by the client's requestPairingCode(phone). */
  enterPairingCode(phone: string, code: string, options: ScanOptions = {}): Promise<PairedAccount> {
    return this.pairing.enterPairingCode(phone, code, options);
  }

  /**
   * Ends live sessions so that Baileys reports `reason` in lastDisconnect (see
   * disconnect-reason.util.ts). `target`: 'all', a connection id, a registration id, a
   * phone number, or an account/device jid (PN or LID). 401 also logs the device out.
   * Returns the ids of the connections that were kicked.
   */
  kick(target: string, reason: KickReason): string[] {
    return this.hub.kick(target, reason);
  }

  /** Fault: the target's sockets stay open but nothing flows (for watchdog tests). */
  stall(target: string): string[] {
    return this.hub.stall(target);
  }

  /**
   * Peer `from` (jid or phone; unknown phone numbers become accounts) sends `content`
   * (a proto.IMessage-shaped object) to the devices of account `to`, or to a group (`to`
   * = group jid or options.group) → Baileys `messages.upsert` (edits and revokes:
   * `messages.update`, reactions: `messages.reaction`). Real Signal by default (see
   * EncryptionMode). Offline devices get it at their next login. Resolves with the key
   * Baileys reports.
   */
  sendMessage(to: string, from: string, content: MessageContent, options: SendMessageOptions = {}): Promise<SentMessageKey> {
    return this.messaging.delivery.sendMessage(to, from, content, options);
  }

  /** sendMessage in two steps: encrypt now, write when the returned function is called */
  prepareMessage(to: string, from: string, content: MessageContent, options: SendMessageOptions = {}): Promise<() => SentMessageKey> {
    return this.messaging.delivery.prepareMessage(to, from, content, options);
  }

  /** `<presence>` of `from` → Baileys `presence.update`. Returns the devices reached. */
  sendPresence(to: string, from: string, type: PresenceType, lastSeen?: number): string[] {
    return this.messaging.activity.sendPresence(to, from, type, lastSeen);
  }

  /** `<chatstate>` of `from` (in `group` if given) → Baileys `presence.update` */
  sendChatState(to: string, from: string, state: ChatStateType, group?: string): string[] {
    return this.messaging.activity.sendChatState(to, from, state, group);
  }

  /**
   * A group owned by `owner` with `participants` (jids or phones; unknown phone numbers
   * become accounts). Connected members'
   * devices get the `<create>` notification → Baileys `groups.upsert` + `chats.upsert`.
   * The client's groupMetadata()/groupFetchAllParticipating() are answered from it.
   */
  createGroup(owner: string, subject: string, participants: string[], options: CreateGroupOptions = {}): GroupInfo {
    const members = participants.map((p) => resolvePeer(this.host, p));
    return this.messaging.groupAdmin.createGroup(resolvePeer(this.host, owner), subject, members, options).toInfo();
  }

  /**
   * `author` changes group `group`; members get `<notification type="w:gp2">` →
   * `group-participants.update` (add/remove/leave/promote/demote), `groups.update`
   * (subject/description/announce/restrict), `groups.upsert` (create; and for accounts
   * being added). `value`: text, or on/off for announce/restrict.
   */
  groupNotification(group: string, author: string, action: GroupAction, participants: string[] = [], value?: string | boolean): GroupInfo {
    const accounts = participants.map((p) => resolvePeer(this.host, p));
    return this.messaging.groupAdmin.apply(this.groups.require(group), resolvePeer(this.host, author), action, accounts, value);
  }

  get groupList(): GroupInfo[] {
    return this.groups.list().map((g) => g.toInfo());
  }

  getGroup(jid: string): GroupInfo | undefined {
    return this.groups.get(jid)?.toInfo();
  }

  /**
   * The account's phone sends its connected devices HISTORY_SYNC_NOTIFICATIONs with an
   * inline payload → Baileys `messaging-history.set` with these chats and messages (and,
   * in a second PUSH_NAME notification, the contacts).
   */
  sendHistorySync(to: string, input: HistorySyncInput): Promise<HistorySyncResult> {
    return this.messaging.history.send(to, input);
  }

  /** history included in the initial sync of devices of `account` that log in later */
  setInitialHistory(account: string, input: HistorySyncInput): void {
    this.messaging.history.seed(requireAccount(this.host, account), input);
  }

  /**
   * Gives `phone`'s account (created if new) a deterministic daily-use state: contacts, groups
   * it belongs to and a history of chats and messages for its devices' initial sync.
   */
  seedRealisticAccount(phone: string, options: RealisticAccountOptions & { pushName?: string } = {}): RealisticAccountPlan {
    const plan = planRealisticAccount(phone, options);
    if (!this.getAccount(phone)) this.createAccount({ phone, pushName: options.pushName });
    for (const g of plan.groups) {
      if (!this.getGroup(g.id)) this.createGroup(g.owner, g.subject, [phone, ...g.members], { id: g.id, notify: false });
    }
    this.setInitialHistory(phone, plan.history);
    return plan;
  }

  /** `<call>` from `from` → Baileys `call` (reuse options.id for later statuses of a call) */
  sendCall(to: string, from: string, options: CallOptions = {}): { id: string; devices: string[] } {
    return this.messaging.activity.sendCall(to, from, options);
  }

  /**
   * `from` received / read / played a message a client sent (key as Baileys returned it)
   * → Baileys `messages.update` {status: 3|4|5} (groups: `message-receipt.update`).
   */
  sendReceipt(key: { remoteJid: string; id: string }, from: string, type: PeerReceiptType = 'delivery', options: ReceiptOptions = {}): string[] {
    return this.messaging.activity.sendReceipt(key, from, type, options);
  }

  /** peers post statuses (status@broadcast) to viewers' devices; their clients' receipts for them */
  get statuses(): StatusBroadcastService { return this.messaging.statuses; }

  /** messages the clients sent, decrypted by the recipients' fake phones (oldest first) */
  get messagesFromClient(): ClientMessageRecord[] {
    return this.messaging.traffic.messages;
  }

  /** receipts the clients sent for messages they got (oldest first) */
  get receiptsFromClient(): ClientReceiptRecord[] {
    return this.messaging.traffic.receipts;
  }

  /** avatar, about text, business profile and privacy settings of an account (mutable, for tests to seed) */
  profileOf(jidOrPhone: string): FakeProfile {
    return this.profiles.of(requireAccount(this.host, jidOrPhone).jid);
  }

  /** app-state mutations the clients sent (archive, markChatAsRead, setting_pushName, …), decoded */
  get appStatePatches(): ClientAppStatePatch[] {
    return [...this.profiles.patches];
  }

  /** Resolves with the next event matching `predicate` (no sleeping in tests). */
  waitFor<K extends FakeWhatsAppEventName>(
    event: K,
    predicate: (payload: EventPayload<K>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<EventPayload<K>> {
    return waitForEvent(this as unknown as EventEmitter, event, predicate, timeoutMs, `fake WhatsApp event '${event}'`);
  }

  async close(): Promise<void> {
    this.hub.terminateAll();
    this.journal.release();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
    await this.signal.close();
    await this.media?.close();
  }

  private publish<K extends FakeWhatsAppEventName>(event: K, payload: EventPayload<K>): void {
    if (event !== 'stanza') this.journal.push(event, payload);
    (this as unknown as EventEmitter).emit(event, payload);
  }

  private nextStanzaId(): string {
    return `fake-${++this.stanzaSeq}`;
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== FAKE_WA_WS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.hub.accept(ws, req.socket.remoteAddress));
  }

  /** a logged-in device's stanza: messaging first, then the plain session IQs */
  private async onSessionStanza(conn: FakeConnection, device: FakeDevice, node: BinaryNode): Promise<void> {
    if (await this.messaging.traffic.handle(conn, device, node)) return;
    if (node.tag !== 'iq') return; // acks, presence, chatstate …: observable via 'stanza'
    if (this.media && isMediaConnIq(node)) return void conn.send(this.media.mediaConnAnswer(node));
    const profileAnswer = await handleProfileIq(this.host, this.profiles, device, node);
    if (profileAnswer) return void conn.send(profileAnswer);
    const response = handleSessionIq(
      {
        device,
        accounts: this.registry,
        onRemoveCompanion: (jid, reason) => {
          const target = this.registry.resolve(jid)?.device ?? device;
          if (target.account === device.account) this.hub.markLoggedOut(target, reason, 'client');
        },
      },
      node,
    );
    conn.send(response);
  }
}
