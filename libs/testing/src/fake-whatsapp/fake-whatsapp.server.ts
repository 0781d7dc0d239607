import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { BinaryNode, proto } from '@whiskeysockets/baileys';
import { loadBaileys, type BaileysModule } from './baileys.loader';
import { iqResult } from './binary-node.util';
import { authorizeLogin, loginSuccessNodes } from './device-login.handler';
import { DevicePairingService } from './device-pairing.service';
import { loginFailure, planKick, type KickReason } from './disconnect-reason.util';
import { EventJournal } from './event-journal.store';
import { FakeAccountRegistry, type FakeAccount, type FakeDevice } from './fake-account.registry';
import { FakeConnection, type ConnectionHandlers } from './fake-connection.session';
import { createAdminRequestHandler } from './fake-whatsapp.admin';
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
import { handleSessionIq } from './session-iq.handler';
import { createServerNoiseIdentity, type ServerNoiseIdentity } from './server-noise.session';
import { loadWs, type WsServer, type WsSocket } from './ws.loader';

export const FAKE_WA_WS_PATH = '/ws/chat';

type EventPayload<K extends FakeWhatsAppEventName> = FakeWhatsAppEvents[K][0];

/**
 * A local WhatsApp Web server for end-to-end tests of real, unmodified Baileys clients
 * (`waWebSocketUrl: server.url`). It plays both WhatsApp's servers and the users' phones:
 * tests "scan" QR codes, enter pairing codes and kick sessions through this API (or the
 * HTTP admin API on the same port), and await its events instead of sleeping.
 */
export class FakeWhatsAppServer extends EventEmitter<FakeWhatsAppEvents> {
  readonly journal = new EventJournal();
  private readonly live = new Map<string, FakeConnection>();
  private readonly logoutRecords: LogoutRecord[] = [];
  private readonly disconnectRecords: DisconnectRecord[] = [];
  private readonly registry: FakeAccountRegistry;
  private readonly pairing: DevicePairingService;
  private readonly identity: ServerNoiseIdentity;
  private readonly wss: WsServer;
  private readonly http: Server;
  private readonly log: (message: string) => void;
  private connectionSeq = 0;
  private stanzaSeq = 0;
  private listeningPort = 0;

  private constructor(
    private readonly baileys: BaileysModule,
    private readonly options: Required<Omit<FakeWhatsAppServerOptions, 'log'>>,
    log: ((message: string) => void) | undefined,
  ) {
    super();
    this.log = log ?? (() => undefined);
    this.identity = createServerNoiseIdentity(baileys);
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
      onPaired: (conn, device) => this.onPaired(conn, device),
    });
    this.wss = new (loadWs().WebSocketServer)({ noServer: true, maxPayload: 64 * 1024 * 1024 });
    const admin = options.admin ? createAdminRequestHandler(this) : undefined;
    this.http = createServer((req, res) => {
      if (admin) {
        admin(req, res);
        return;
      }
      res.writeHead(404).end();
    });
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
  }

  /** Loads Baileys (codec, protobufs, curve), then listens on host:port (port 0 = random). */
  static async start(options: FakeWhatsAppServerOptions = {}): Promise<FakeWhatsAppServer> {
    const baileys = await loadBaileys();
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
      },
      options.log,
    );
    await new Promise<void>((resolve, reject) => {
      server.http.once('error', reject);
      server.http.listen(server.options.port, server.options.host, () => {
        server.http.off('error', reject);
        resolve();
      });
    });
    server.listeningPort = (server.http.address() as AddressInfo).port;
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
    return [...this.live.values()].map((c) => c.toInfo());
  }

  get registrations(): RegistrationInfo[] {
    return this.pairing.list();
  }

  get accounts(): AccountInfo[] {
    return this.registry.list().map((a) => a.toInfo());
  }

  get logouts(): LogoutRecord[] {
    return [...this.logoutRecords];
  }

  get disconnects(): DisconnectRecord[] {
    return [...this.disconnectRecords];
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
    const plan = planKick(reason);
    const targets = this.resolveTargets(target);
    for (const conn of targets) {
      if (plan.code === 401 && conn.device) this.markLoggedOut(conn.device, 'kicked by server', 'server');
      if (plan.kind === 'close') conn.close(plan.code);
      else conn.endWith(plan.node, plan.code);
      this.publish('kick', { connectionId: conn.id, code: plan.code, jid: conn.device?.account.jid });
    }
    return targets.map((c) => c.id);
  }

  /** Resolves with the next event matching `predicate` (no sleeping in tests). */
  waitFor<K extends FakeWhatsAppEventName>(
    event: K,
    predicate: (payload: EventPayload<K>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<EventPayload<K>> {
    const emitter = this as unknown as EventEmitter;
    return new Promise((resolve, reject) => {
      const listener = (payload: EventPayload<K>): void => {
        if (!predicate(payload)) return;
        clearTimeout(timer);
        emitter.off(event, listener);
        resolve(payload);
      };
      const timer = setTimeout(() => {
        emitter.off(event, listener);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for fake WhatsApp event '${event}'`));
      }, timeoutMs);
      emitter.on(event, listener);
    });
  }

  async close(): Promise<void> {
    for (const conn of this.live.values()) conn.terminate();
    this.journal.release();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
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
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
  }

  private accept(ws: WsSocket, req: IncomingMessage): void {
    const conn = new FakeConnection(
      `c${++this.connectionSeq}`,
      ws,
      req.socket.remoteAddress,
      this.baileys,
      this.identity,
      this.handlers,
      { handshakeSettleMs: this.options.handshakeSettleMs, closeGraceMs: this.options.closeGraceMs, log: this.log },
    );
    this.live.set(conn.id, conn);
    this.publish('connection', conn.toInfo());
  }

  private readonly handlers: ConnectionHandlers = {
    onClientPayload: (conn, payload) => {
      if (payload.username !== null && payload.username !== undefined) this.login(conn, payload);
      else this.pairing.startRegistration(conn, payload);
    },
    onStanza: (conn, node) => this.onStanza(conn, node),
    onClosed: (conn) => this.onClosed(conn),
  };

  /** ClientPayload with username/device: a paired companion reconnecting. */
  private login(conn: FakeConnection, payload: proto.ClientPayload): void {
    const { deviceJid, device } = authorizeLogin(this.registry, payload, conn.clientStaticKey);
    if (!device) {
      // Baileys closes with loggedOut (socket.js CB:failure)
      conn.endWith(loginFailure(401), 401);
      this.publish('login-rejected', { connectionId: conn.id, deviceJid, code: 401 });
      return;
    }
    const previous = device.connectionId ? this.live.get(device.connectionId) : undefined;
    if (previous && previous !== conn) {
      const replaced = planKick('connectionReplaced');
      if (replaced.kind === 'stanza') previous.endWith(replaced.node, replaced.code);
    }
    conn.phase = 'logged-in';
    conn.device = device;
    device.connectionId = conn.id;
    for (const node of loginSuccessNodes(device)) conn.send(node);
    this.publish('login', { connectionId: conn.id, jid: device.account.jid, deviceJid: device.jid, lid: device.lid });
  }

  private onStanza(conn: FakeConnection, node: BinaryNode): void {
    this.publish('stanza', { connectionId: conn.id, node });
    if (node.tag !== 'iq') return; // acks, receipts, presence, ib …: observable via 'stanza' only for now
    const type = node.attrs.type;
    if (type === 'result' || type === 'error') {
      this.pairing.handleClientResult(conn, node);
      return;
    }
    if (conn.phase === 'registration') {
      if (!this.pairing.handleIq(conn, node)) conn.send(iqResult(node));
      return;
    }
    const device = conn.device;
    if (conn.phase !== 'logged-in' || !device) {
      conn.send(iqResult(node));
      return;
    }
    const response = handleSessionIq(
      {
        device,
        accounts: this.registry,
        onRemoveCompanion: (jid, reason) => {
          const target = this.registry.resolve(jid)?.device ?? device;
          if (target.account === device.account) this.markLoggedOut(target, reason, 'client');
        },
      },
      node,
    );
    conn.send(response);
  }

  private onPaired(conn: FakeConnection, device: FakeDevice): void {
    this.publish('paired', {
      connectionId: conn.id,
      jid: device.account.jid,
      lid: device.account.lid,
      phone: device.account.phone,
      deviceId: device.id,
      deviceJid: device.jid,
      deviceLid: device.lid,
    });
    // like WhatsApp: restart the stream so the client logs in with its new identity
    const restart = planKick('restartRequired');
    if (restart.kind === 'stanza') conn.endWith(restart.node, restart.code);
  }

  private markLoggedOut(device: FakeDevice, reason: string, initiator: LogoutRecord['initiator']): void {
    if (device.status === 'logged-out') return;
    device.status = 'logged-out';
    device.loggedOutAt = new Date();
    const record: LogoutRecord = {
      jid: device.account.jid,
      deviceJid: device.jid,
      lid: device.lid,
      reason,
      initiator,
      at: device.loggedOutAt.toISOString(),
    };
    this.logoutRecords.push(record);
    this.publish('logout', record);
  }

  private onClosed(conn: FakeConnection): void {
    this.live.delete(conn.id);
    this.pairing.forget(conn);
    if (conn.device?.connectionId === conn.id) conn.device.connectionId = undefined;
    const record: DisconnectRecord = {
      connectionId: conn.id,
      phase: conn.phase,
      jid: conn.device?.account.jid,
      deviceJid: conn.device?.jid,
      code: conn.closeCode,
      at: new Date().toISOString(),
    };
    this.disconnectRecords.push(record);
    if (this.disconnectRecords.length > 1000) this.disconnectRecords.shift();
    this.publish('disconnect', record);
  }

  private resolveTargets(target: string): FakeConnection[] {
    const all = [...this.live.values()];
    if (target === 'all') return all;
    const byId = all.filter((c) => c.id === target || c.registrationId === target);
    if (byId.length) return byId;
    const found = this.registry.resolve(target);
    if (!found) return [];
    return all.filter((c) => c.device && (found.device ? c.device === found.device : c.device.account === found.account));
  }
}
