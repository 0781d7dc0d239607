import { Logger } from '@nestjs/common';
import { backoffDelay } from '@gw/common';
import {
  CataloguePublisher,
  EventName,
  PayloadOf,
  connectionOpenPayload,
  connectionUpdatePayload,
  qrCodePayload,
  qrLimitPayload,
} from '@gw/events';
import type { ConnectionFields } from '@gw/persistence';
import { CloseCause, EngineAccount, EngineEvent, WhatsAppSession } from '@gw/whatsapp';
import * as QRCode from 'qrcode';
import { InstanceState, LastClose, QR_LIMIT_MESSAGE, QrSnapshot } from './instance-state';
import { EngineEventQueue } from './pipeline/engine-event.queue';
import type { InstancePipeline } from './pipeline/instance-pipeline';

/** The instance row's connection fields; saving must never throw (a database blip is logged, not fatal). */
export interface ConnectionRecorder {
  save(fields: ConnectionFields): Promise<void>;
}

/** How long the runtime keeps trying: QR codes shown before it gives up, and the reconnect backoff. */
export interface ConnectionPolicy {
  /** Evolution's QRCODE_LIMIT. */
  qrcodeLimit: number;
  reconnectBaseDelayMs: number;
  reconnectMaxDelayMs: number;
}

export interface RuntimeCollaborators {
  session: WhatsAppSession;
  /** Everything the engine reports besides the connection: filter → store → map → publish. */
  pipeline: InstancePipeline;
  connection: ConnectionRecorder;
  policy: ConnectionPolicy;
  logger: Logger;
}

type Waiter = { resolve: () => void; timer: NodeJS.Timeout };

const CONNECTION_EVENTS = new Set<EngineEvent['type']>(['connecting', 'qr', 'pairing-code', 'open', 'close']);

/**
 * The reconnect backoff resets only after a connection has stayed open this long, so a
 * session that opens and drops again at once backs off instead of looping (Evolution #765).
 */
export const STABLE_CONNECTION_MS = 60_000;

/**
 * The live side of one instance: connection state, QR codes and the reconnect decision
 * (backoff with jitter). The engine's other events go through the instance's event pipeline,
 * in one queue with the connection's, so their order holds.
 */
export class InstanceRuntime implements CataloguePublisher {
  state: InstanceState = 'close';
  account?: EngineAccount;
  qr: QrSnapshot = { pairingCode: null, code: null, base64: null, count: 0 };
  /** Why the connection last closed, until it opens again: the connect route reports it. */
  lastClose?: LastClose;
  private reconnectAttempt = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private stableTimer?: NodeJS.Timeout;
  private pairingNumber?: string;
  private stopped = false;
  private waiters: Waiter[] = [];
  private readonly queue: EngineEventQueue;

  constructor(
    readonly instanceId: string,
    readonly instanceName: string,
    private readonly deps: RuntimeCollaborators,
  ) {
    this.queue = new EngineEventQueue((event) => this.onEngineEvent(event), deps.logger, instanceName);
    deps.session.onEvent((event) => this.queue.push(event));
  }

  /** The engine session, for the capabilities other services drive (sending). */
  get session(): WhatsAppSession {
    return this.deps.session;
  }

  async start(pairingNumber?: string): Promise<void> {
    this.stopped = false;
    this.pairingNumber = pairingNumber?.replace(/\D/g, '') || undefined;
    this.clearReconnect();
    this.reconnectAttempt = 0; // an explicit (re)start begins a fresh backoff sequence
    this.state = 'connecting';
    await this.deps.session.connect();
  }

  /** Closes the socket, keeping the WhatsApp session for a later resume (shutdown, restart). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearReconnect();
    await this.deps.session.close();
    this.state = 'close';
    this.releaseWaiters();
  }

  /** Unlinks the device on WhatsApp and erases the stored session. */
  async logout(): Promise<void> {
    this.stopped = true;
    this.clearReconnect();
    await this.deps.session.logout();
    await this.closed(401, 'logged-out');
  }

  /** Resolves at the next QR, pairing code, open or failed attempt (or after timeoutMs), for the connect route. */
  waitForProgress(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve();
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Waits until every event produced so far has been handled and handed to the event sink. */
  async drained(): Promise<void> {
    await this.queue.drained();
    await this.deps.pipeline.drained();
  }

  /** An event of this instance that does not come from the engine (a send, an API action), in order with the rest. */
  publish<K extends EventName>(name: K, data: PayloadOf<K>): void {
    this.deps.pipeline.publish(name, data);
  }

  private releaseWaiters() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve();
  }

  private onEngineEvent(event: EngineEvent): Promise<void> {
    if (!CONNECTION_EVENTS.has(event.type)) return this.deps.pipeline.handle(event);
    return this.onConnectionEvent(event);
  }

  private async onConnectionEvent(event: EngineEvent): Promise<void> {
    switch (event.type) {
      case 'connecting':
        this.state = 'connecting';
        await this.deps.connection.save({ connectionStatus: 'connecting' });
        // After a reconnect, statusReason says why the previous socket went away (e.g. 408 watchdog),
        // and `reason` says it in words.
        this.publish(
          'CONNECTION_UPDATE',
          connectionUpdatePayload(this.instanceName, 'connecting', this.lastClose?.statusCode ?? 200, { reason: this.lastClose?.reason }),
        );
        return;
      case 'qr':
        return this.onQr(event.code);
      case 'pairing-code':
        this.qr.pairingCode = event.code;
        this.releaseWaiters();
        return;
      case 'open':
        return this.onOpen(event.account);
      case 'close':
        return this.onClose(event.statusCode, event.reason, event.disposition, event.cause);
      default:
        return;
    }
  }

  private async onQr(code: string) {
    if (this.stopped) return;
    this.qr.count += 1;
    if (this.qr.count > this.deps.policy.qrcodeLimit) {
      this.publish('QRCODE_UPDATED', qrLimitPayload(QR_LIMIT_MESSAGE));
      this.publish('CONNECTION_UPDATE', connectionUpdatePayload(this.instanceName, 'refused', 428, { account: this.account }));
      this.stopped = true;
      this.clearReconnect();
      await this.deps.session.logout();
      this.state = 'close';
      this.qr = { pairingCode: null, code: null, base64: null, count: 0 };
      await this.deps.connection.save({ connectionStatus: 'close', disconnectionReasonCode: 428, disconnectionAt: new Date() });
      this.publish('LOGOUT_INSTANCE', null);
      this.releaseWaiters();
      return;
    }
    if (this.pairingNumber && !this.qr.pairingCode) {
      // The socket is ready once it shows a QR; only then can a pairing code be requested.
      this.qr.pairingCode = await this.deps.session.requestPairingCode(this.pairingNumber);
    }
    // rendered first, so a caller never sees a new code with no (or the previous) image
    const base64 = await QRCode.toDataURL(code);
    this.qr.code = code;
    this.qr.base64 = base64;
    this.publish('QRCODE_UPDATED', qrCodePayload(this.instanceName, this.qr.pairingCode, code, base64));
    this.releaseWaiters();
  }

  private async onOpen(account: EngineAccount) {
    this.state = 'open';
    this.account = account;
    this.lastClose = undefined;
    if (this.stableTimer) clearTimeout(this.stableTimer);
    this.stableTimer = setTimeout(() => (this.reconnectAttempt = 0), STABLE_CONNECTION_MS);
    this.stableTimer.unref();
    this.qr = { pairingCode: null, code: null, base64: null, count: 0 };
    this.pairingNumber = undefined;
    await this.deps.connection.save({
      connectionStatus: 'open',
      ownerJid: account.jid,
      number: account.storedNumber ?? account.jid.split('@')[0],
      profileName: account.pushName ?? null,
      profilePicUrl: account.profilePictureUrl ?? null,
      disconnectionReasonCode: null,
      disconnectionObject: null,
      disconnectionAt: null,
    });
    this.publish('CONNECTION_UPDATE', connectionOpenPayload(this.instanceName, account));
    this.releaseWaiters();
  }

  private async onClose(statusCode: number, reason: string, disposition: string, cause?: CloseCause) {
    if (this.stableTimer) clearTimeout(this.stableTimer);
    if (this.stopped) return;
    this.lastClose = { statusCode, reason, cause };
    const line = `instance ${this.instanceName}: ${describeCause(cause, reason)} (${statusCode}) -> ${disposition}`;
    if (disposition === 'restart') this.deps.logger.log(line); // WhatsApp asked for it (e.g. right after pairing)
    else this.deps.logger.warn(line);
    if (disposition === 'restart') return this.reconnectNow();
    if (disposition === 'reconnect') {
      await this.scheduleReconnect(statusCode, reason);
      // A failed attempt is progress for the connect route: it answers with the error instead of waiting.
      return this.releaseWaiters();
    }
    this.stopped = true;
    await this.closed(statusCode, disposition, reason);
  }

  /** Final close: persist why, tell the receivers (v2 sends `close` only when not reconnecting). */
  private async closed(statusCode: number, disposition: string, reason?: string) {
    const wasLinked = !!this.account;
    this.state = 'close';
    this.qr = { pairingCode: null, code: null, base64: null, count: 0 };
    await this.deps.connection.save({
      connectionStatus: 'close',
      disconnectionReasonCode: statusCode,
      disconnectionObject: JSON.stringify({ statusCode, reason: reason ?? disposition }),
      disconnectionAt: new Date(),
    });
    this.publish(
      'CONNECTION_UPDATE',
      connectionUpdatePayload(this.instanceName, 'close', statusCode, { reason: reason ?? disposition, account: this.account }),
    );
    if (disposition === 'logged-out') {
      this.account = undefined;
      if (wasLinked || statusCode === 401) this.publish('LOGOUT_INSTANCE', null);
    }
    this.releaseWaiters();
  }

  private async reconnectNow() {
    try {
      await this.deps.session.connect();
    } catch (err) {
      this.lastClose = { statusCode: 428, reason: (err as Error).message };
      await this.scheduleReconnect(428, (err as Error).message);
    }
  }

  private async scheduleReconnect(statusCode: number, reason: string) {
    this.clearReconnect();
    this.reconnectAttempt += 1;
    const { reconnectBaseDelayMs, reconnectMaxDelayMs } = this.deps.policy;
    const delay = backoffDelay(this.reconnectAttempt, reconnectBaseDelayMs, reconnectMaxDelayMs);
    this.state = 'connecting';
    await this.deps.connection.save({
      connectionStatus: 'connecting',
      disconnectionReasonCode: statusCode,
      disconnectionObject: JSON.stringify({ statusCode, reason }),
      disconnectionAt: new Date(),
    });
    this.deps.logger.log(`instance ${this.instanceName}: reconnect #${this.reconnectAttempt} in ${delay} ms`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.stopped) void this.reconnectNow();
    }, delay);
  }

  private clearReconnect() {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }
}

/** The log line's account of a close: what failed, not just a status code. */
function describeCause(cause: CloseCause | undefined, reason: string): string {
  switch (cause) {
    case 'unreachable':
      return `cannot reach WhatsApp: ${reason}`;
    case 'silent':
      return `watchdog: no traffic from WhatsApp (${reason}), restarting the socket`;
    default:
      return `connection closed: ${reason}`;
  }
}
