import type { BinaryNode, proto } from '@whiskeysockets/baileys';
import type { BaileysModule } from '../protocol/baileys.loader';
import { iqResult } from '../protocol/binary-node.util';
import { authorizeLogin, loginSuccessNode, offlineDoneNode } from '../iq/device-login.handler';
import type { DevicePairingService } from './device-pairing.service';
import { loginFailure, planKick, type KickReason } from '../protocol/disconnect-reason.util';
import type { FakeAccount, FakeAccountRegistry, FakeDevice } from '../registries/fake-account.registry';
import { FakeConnection, type ConnectionHandlers } from '../protocol/fake-connection.session';
import type { ConnectionInfo, DisconnectRecord, FakeWhatsAppEventName, FakeWhatsAppEvents, LogoutRecord } from '../fake-whatsapp.types';
import type { LiveDevice } from './messaging-host.types';
import type { ServerNoiseIdentity } from '../protocol/server-noise.session';
import type { WsSocket } from '../protocol/ws.loader';

/**
 * The live WebSocket sessions: accepts connections, routes the client payload to
 * registration or login, dispatches stanzas (pairing IQs, or the logged-in session's
 * handler), and keeps the logout / disconnect records. Kicks end sessions the way
 * disconnect-reason.util.ts plans.
 */
export interface ConnectionHubHost {
  baileys: BaileysModule;
  identity: ServerNoiseIdentity;
  accounts: FakeAccountRegistry;
  pairing: DevicePairingService;
  handshakeSettleMs: number;
  closeGraceMs: number;
  log(message: string): void;
  publish<K extends FakeWhatsAppEventName>(event: K, payload: FakeWhatsAppEvents[K][0]): void;
  /** sends what was queued for the device while it was offline; resolves with the count */
  deliverOffline(conn: FakeConnection, device: FakeDevice): Promise<number>;
  /** any stanza of a logged-in device (IQs included) */
  onSessionStanza(conn: FakeConnection, device: FakeDevice, node: BinaryNode): Promise<void>;
}

export class ConnectionHub {
  private readonly live = new Map<string, FakeConnection>();
  private readonly logoutRecords: LogoutRecord[] = [];
  private readonly disconnectRecords: DisconnectRecord[] = [];
  private seq = 0;

  constructor(private readonly host: ConnectionHubHost) {}

  get connections(): ConnectionInfo[] {
    return [...this.live.values()].map((c) => c.toInfo());
  }

  get logouts(): LogoutRecord[] {
    return [...this.logoutRecords];
  }

  get disconnects(): DisconnectRecord[] {
    return [...this.disconnectRecords];
  }

  accept(ws: WsSocket, remoteAddress: string | undefined): void {
    const { baileys, identity, handshakeSettleMs, closeGraceMs, log } = this.host;
    const conn = new FakeConnection(`c${++this.seq}`, ws, remoteAddress, baileys, identity, this.handlers, {
      handshakeSettleMs,
      closeGraceMs,
      log,
    });
    this.live.set(conn.id, conn);
    this.host.publish('connection', conn.toInfo());
  }

  /** logged-in connections of the account's companions */
  liveDevices(account: FakeAccount): LiveDevice[] {
    const out: LiveDevice[] = [];
    for (const conn of this.live.values()) {
      const device = conn.device;
      // a replaced session stays open until the client reacts to its stream:error
      if (conn.phase === 'logged-in' && device?.account === account && device.connectionId === conn.id && conn.isOpen) {
        out.push({ device, conn });
      }
    }
    return out;
  }

  kick(target: string, reason: KickReason): string[] {
    const plan = planKick(reason);
    const targets = this.resolveTargets(target);
    for (const conn of targets) {
      if (plan.code === 401 && conn.device) this.markLoggedOut(conn.device, 'kicked by server', 'server');
      if (plan.kind === 'close') conn.close(plan.code);
      else conn.endWith(plan.node, plan.code);
      this.host.publish('kick', { connectionId: conn.id, code: plan.code, jid: conn.device?.account.jid });
    }
    return targets.map((c) => c.id);
  }

  /** Silently hangs the target's connections: open sockets, no traffic either way. */
  stall(target: string): string[] {
    const targets = this.resolveTargets(target);
    for (const conn of targets) conn.stalled = true;
    return targets.map((c) => c.id);
  }

  /** the client accepted <pair-success>: like WhatsApp, restart the stream (515) */
  onPaired(conn: FakeConnection, device: FakeDevice): void {
    this.host.publish('paired', {
      connectionId: conn.id,
      jid: device.account.jid,
      lid: device.account.lid,
      phone: device.account.phone,
      deviceId: device.id,
      deviceJid: device.jid,
      deviceLid: device.lid,
    });
    const restart = planKick('restartRequired');
    if (restart.kind === 'stanza') conn.endWith(restart.node, restart.code);
  }

  markLoggedOut(device: FakeDevice, reason: string, initiator: LogoutRecord['initiator']): void {
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
    this.host.publish('logout', record);
  }

  terminateAll(): void {
    for (const conn of this.live.values()) conn.terminate();
  }

  private readonly handlers: ConnectionHandlers = {
    onClientPayload: (conn, payload) => {
      if (payload.username !== null && payload.username !== undefined) this.login(conn, payload);
      else this.host.pairing.startRegistration(conn, payload);
    },
    onStanza: (conn, node) => this.onStanza(conn, node),
    onClosed: (conn) => this.onClosed(conn),
  };

  /** ClientPayload with username/device: a paired companion reconnecting. */
  private login(conn: FakeConnection, payload: proto.ClientPayload): void {
    const { deviceJid, device } = authorizeLogin(this.host.accounts, payload, conn.clientStaticKey);
    if (!device) {
      // Baileys closes with loggedOut (socket.js CB:failure)
      conn.endWith(loginFailure(401), 401);
      this.host.publish('login-rejected', { connectionId: conn.id, deviceJid, code: 401 });
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
    conn.send(loginSuccessNode(device));
    // offline messages come between <success/> and the end-of-queue marker
    this.host
      .deliverOffline(conn, device)
      .catch((err: unknown) => {
        this.host.log(`offline delivery to ${device.jid} failed: ${String(err)}`);
        return 0;
      })
      .then((count) => conn.send(offlineDoneNode(count)));
    this.host.publish('login', { connectionId: conn.id, jid: device.account.jid, deviceJid: device.jid, lid: device.lid });
  }

  private async onStanza(conn: FakeConnection, node: BinaryNode): Promise<void> {
    this.host.publish('stanza', { connectionId: conn.id, node });
    const type = node.attrs.type;
    if (node.tag === 'iq' && (type === 'result' || type === 'error')) {
      this.host.pairing.handleClientResult(conn, node);
      return;
    }
    const device = conn.device;
    if (conn.phase === 'logged-in' && device) {
      await this.host.onSessionStanza(conn, device, node);
      return;
    }
    if (node.tag !== 'iq') return;
    if (conn.phase === 'registration' && this.host.pairing.handleIq(conn, node)) return;
    conn.send(iqResult(node));
  }

  private onClosed(conn: FakeConnection): void {
    this.live.delete(conn.id);
    this.host.pairing.forget(conn);
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
    this.host.publish('disconnect', record);
  }

  private resolveTargets(target: string): FakeConnection[] {
    const all = [...this.live.values()];
    if (target === 'all') return all;
    const byId = all.filter((c) => c.id === target || c.registrationId === target);
    if (byId.length) return byId;
    const found = this.host.accounts.resolve(target);
    if (!found) return [];
    return all.filter((c) => c.device && (found.device ? c.device === found.device : c.device.account === found.account));
  }
}
