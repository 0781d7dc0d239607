import { Logger } from '@nestjs/common';
import { backoffDelay } from '@gw/common';
import { ConnectionUpdateData, EventName, EventSink, GatewayEvent } from '@gw/events';
import { ConnectionFields, MessageRepository } from '@gw/persistence';
import { CloseCause, EngineAccount, EngineEvent, WhatsAppSession } from '@gw/whatsapp';
import * as QRCode from 'qrcode';
import type { KnownJidsSource } from './first-sight';
import { InstanceEventMapper } from './instance-event.mapper';
import { InstanceEventPublisher } from './instance-event-publisher';
import type { MediaKeeper } from './media-parts';
import { InstanceState, LastClose, QR_LIMIT_MESSAGE, QrSnapshot } from './instance-state';

export interface RuntimeDeps {
  session: WhatsAppSession;
  messages: MessageRepository;
  wantsBase64: () => Promise<boolean>;
  base64MaxBytes: number;
  /** Media storage: inbound media records then carry mediaUrl. */
  storage?: MediaKeeper;
  events: EventSink;
  saveConnection: (fields: ConnectionFields) => Promise<void>;
  qrcodeLimit: number;
  reconnectBaseDelayMs: number;
  reconnectMaxDelayMs: number;
  logger: Logger;
  /** Drops (or trims) events the instance's settings exclude, before they are stored or published. */
  filter?: (event: EngineEvent) => Promise<EngineEvent | undefined>;
  /** Side consumer of every engine event (the message store); must return at once and never throw. */
  observe?: (event: EngineEvent) => void;
  /** The message store's contacts and chats, to tell first appearances (CONTACTS_UPSERT, CHATS_UPSERT). */
  known?: KnownJidsSource;
}

type Waiter = { resolve: () => void; timer: NodeJS.Timeout };

/** Events that may be handled after a batch of messages that arrived behind them (see handleQueued). */
const DEFERRABLE = new Set<EngineEvent['type']>(['chats', 'message-updates', 'presence']);

/**
 * The reconnect backoff resets only after a connection has stayed open this long, so a
 * session that opens and drops again at once backs off instead of looping (Evolution #765).
 */
export const STABLE_CONNECTION_MS = 60_000;

/**
 * The live side of one instance: turns engine events into state, persisted connection
 * info and webhook events, and owns the reconnect decision (backoff with jitter).
 */
export class InstanceRuntime {
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
  private readonly publisher: InstanceEventPublisher;
  /** Engine events are handled one at a time, so a slow store write cannot reorder webhooks. */
  private handling: Promise<void> = Promise.resolve();
  private unhandled: EngineEvent[] = [];
  private handlingActive = false;
  private readonly mapper: InstanceEventMapper;

  constructor(
    readonly instanceId: string,
    readonly instanceName: string,
    private readonly deps: RuntimeDeps,
  ) {
    this.publisher = new InstanceEventPublisher(deps.events, instanceName, deps.logger);
    this.mapper = new InstanceEventMapper({
      instanceId,
      instanceName,
      publish: (name, data) => this.publish(name, data),
      messages: deps.messages,
      logger: deps.logger,
      wantsBase64: deps.wantsBase64,
      base64MaxBytes: deps.base64MaxBytes,
      downloadMedia: (id, maxBytes) => deps.session.downloadMedia(id, maxBytes),
      storage: deps.storage,
      known: deps.known,
    });
    deps.session.onEvent((event) => {
      this.unhandled.push(event);
      if (!this.handlingActive) this.handling = this.handleQueued();
    });
  }

  /**
   * Handles queued engine events in order. Live messages come one per engine event; those that
   * queued up meanwhile are handled as one batch (one store write, one publish batch).
   */
  private async handleQueued(): Promise<void> {
    this.handlingActive = true;
    try {
      while (this.unhandled.length) {
        const queued = this.unhandled;
        this.unhandled = [];
        for (let i = 0; i < queued.length; i++) {
          const event = queued[i];
          if (event.type !== 'messages') {
            await this.handleOne(event);
            continue;
          }
          // Every incoming message also brings its chat update (and receipts follow): merging only
          // back-to-back message events would never batch. Those followers may go after the merged
          // batch, as in Baileys' own buffered flush; anything else (contacts, LID mappings, groups,
          // connection changes) may shape the next messages and ends the batch.
          const messages = [...event.messages];
          const deferred: EngineEvent[] = [];
          for (let next = queued[i + 1]; next; next = queued[i + 1]) {
            if (next.type === 'messages' && next.origin === event.origin) messages.push(...next.messages);
            else if (DEFERRABLE.has(next.type)) deferred.push(next);
            else break;
            i++;
          }
          await this.handleOne({ ...event, messages });
          for (const later of deferred) await this.handleOne(later);
        }
      }
    } finally {
      this.handlingActive = false;
    }
  }

  private handleOne(event: EngineEvent): Promise<void> {
    return this.onEngineEvent(event).catch((err) =>
      this.deps.logger.error(`instance ${this.instanceName}: handling ${event.type} failed: ${(err as Error).stack}`),
    );
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
    await this.handling;
    await this.publisher.drained();
  }

  private releaseWaiters() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve();
  }

  private async onEngineEvent(event: EngineEvent): Promise<void> {
    switch (event.type) {
      case 'connecting':
        this.state = 'connecting';
        await this.deps.saveConnection({ connectionStatus: 'connecting' });
        // After a reconnect, statusReason says why the previous socket went away (e.g. 408 watchdog),
        // and `reason` says it in words.
        this.publish('CONNECTION_UPDATE', {
          instance: this.instanceName,
          state: 'connecting',
          statusReason: this.lastClose?.statusCode ?? 200,
          ...(this.lastClose ? { reason: this.lastClose.reason } : {}),
        });
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
      default: {
        const kept = this.deps.filter ? await this.deps.filter(event) : event;
        if (!kept) return;
        try {
          this.deps.observe?.(kept);
        } catch (err) {
          this.deps.logger.error(`instance ${this.instanceName}: store observer failed: ${(err as Error).message}`);
        }
        return this.mapper.handle(kept);
      }
    }
  }

  private async onQr(code: string) {
    if (this.stopped) return;
    this.qr.count += 1;
    if (this.qr.count > this.deps.qrcodeLimit) {
      this.publish('QRCODE_UPDATED', { message: QR_LIMIT_MESSAGE, statusCode: 500 });
      this.publish('CONNECTION_UPDATE', {
        instance: this.instanceName,
        state: 'refused',
        statusReason: 428,
        ...this.accountFields(),
      });
      this.stopped = true;
      this.clearReconnect();
      await this.deps.session.logout();
      this.state = 'close';
      this.qr = { pairingCode: null, code: null, base64: null, count: 0 };
      await this.deps.saveConnection({ connectionStatus: 'close', disconnectionReasonCode: 428, disconnectionAt: new Date() });
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
    this.publish('QRCODE_UPDATED', {
      qrcode: { instance: this.instanceName, pairingCode: this.qr.pairingCode, code, base64: this.qr.base64 },
    });
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
    await this.deps.saveConnection({
      connectionStatus: 'open',
      ownerJid: account.jid,
      number: account.storedNumber ?? account.jid.split('@')[0],
      profileName: account.pushName ?? null,
      profilePicUrl: account.profilePictureUrl ?? null,
      disconnectionReasonCode: null,
      disconnectionObject: null,
      disconnectionAt: null,
    });
    this.publish('CONNECTION_UPDATE', {
      instance: this.instanceName,
      wuid: account.jid,
      profileName: account.pushName,
      profilePictureUrl: account.profilePictureUrl ?? null,
      state: 'open',
      statusReason: 200,
    });
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
    await this.deps.saveConnection({
      connectionStatus: 'close',
      disconnectionReasonCode: statusCode,
      disconnectionObject: JSON.stringify({ statusCode, reason: reason ?? disposition }),
      disconnectionAt: new Date(),
    });
    this.publish('CONNECTION_UPDATE', {
      instance: this.instanceName,
      state: 'close',
      statusReason: statusCode,
      reason: reason ?? disposition,
      ...this.accountFields(),
    });
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
    const delay = backoffDelay(this.reconnectAttempt, this.deps.reconnectBaseDelayMs, this.deps.reconnectMaxDelayMs);
    this.state = 'connecting';
    await this.deps.saveConnection({
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

  private accountFields(): Partial<ConnectionUpdateData> {
    if (!this.account) return {};
    return {
      wuid: this.account.jid,
      profileName: this.account.pushName,
      profilePictureUrl: this.account.profilePictureUrl ?? null,
    };
  }

  publish(name: EventName, data: unknown) {
    const event: GatewayEvent = {
      name,
      instanceId: this.instanceId,
      instanceName: this.instanceName,
      data,
      sender: this.account?.jid,
      occurredAt: new Date(),
    };
    this.publisher.publish(event);
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
