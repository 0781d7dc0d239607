import type { ConnectionState, UserFacingSocketConfig, WASocket } from '@whiskeysockets/baileys';
import pino from 'pino';
import { loadBaileys } from '../protocol/baileys.loader';
import type { MemoryAuthState } from './memory-auth-state.factory';

/**
 * Test-side helpers around a real Baileys socket pointed at the fake server: build it
 * with test-friendly config and await connection.update states instead of sleeping.
 */
export type ConnectionUpdate = Partial<ConnectionState>;

/** status code Baileys put in lastDisconnect (a Boom error) */
export function disconnectStatusCode(update: ConnectionUpdate | undefined): number | undefined {
  const error = update?.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined;
  return error?.output?.statusCode;
}

export class BaileysConnectionWatcher {
  readonly updates: ConnectionUpdate[] = [];
  private readonly listeners = new Set<(update: ConnectionUpdate) => void>();

  constructor(sock: Pick<WASocket, 'ev'>) {
    sock.ev.on('connection.update', (update) => {
      this.updates.push(update);
      for (const listener of [...this.listeners]) listener(update);
    });
  }

  get sawQr(): boolean {
    return this.updates.some((u) => typeof u.qr === 'string');
  }

  /** first update (already received or future) matching `predicate` */
  waitFor(predicate: (u: ConnectionUpdate) => boolean, description: string, timeoutMs = 15_000): Promise<ConnectionUpdate> {
    const seen = this.updates.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const listener = (update: ConnectionUpdate): void => {
        if (predicate(update)) {
          settle();
          resolve(update);
        } else if (update.connection === 'close') {
          settle();
          reject(new Error(`connection closed (${disconnectStatusCode(update)}) while waiting for ${description}`));
        }
      };
      const timer = setTimeout(() => {
        settle();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${description}`));
      }, timeoutMs);
      const settle = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }

  async qr(timeoutMs?: number): Promise<string> {
    const update = await this.waitFor((u) => typeof u.qr === 'string', 'a QR code', timeoutMs);
    return update.qr as string;
  }

  async opened(timeoutMs?: number): Promise<void> {
    await this.waitFor((u) => u.connection === 'open', "connection 'open'", timeoutMs);
  }

  /** resolves with the status code of lastDisconnect */
  async closed(timeoutMs?: number): Promise<number | undefined> {
    const update = await this.waitFor((u) => u.connection === 'close', "connection 'close'", timeoutMs);
    return disconnectStatusCode(update);
  }
}

export interface BaileysTestSocket {
  sock: WASocket;
  watcher: BaileysConnectionWatcher;
}

/** A real Baileys client for `url`, silent, with short query timeouts. */
export async function createBaileysTestSocket(
  url: string,
  auth: MemoryAuthState,
  overrides: Partial<UserFacingSocketConfig> = {},
): Promise<BaileysTestSocket> {
  const { makeWASocket } = await loadBaileys();
  const sock = makeWASocket({
    waWebSocketUrl: url,
    auth: auth.state,
    logger: pino({ level: 'silent' }),
    markOnlineOnConnect: false,
    syncFullHistory: false,
    defaultQueryTimeoutMs: 5_000,
    connectTimeoutMs: 10_000,
    ...overrides,
  });
  return { sock, watcher: new BaileysConnectionWatcher(sock) };
}
