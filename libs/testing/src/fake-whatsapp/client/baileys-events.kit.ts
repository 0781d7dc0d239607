import type { BaileysEventMap, UserFacingSocketConfig, WAMessage, WASocket } from '@whiskeysockets/baileys';
import { createBaileysTestSocket, type BaileysTestSocket } from './baileys-test-socket.kit';
import type { FakeWhatsAppServer } from '../fake-whatsapp.server';
import type { PairedAccount, ScanOptions } from '../fake-whatsapp.types';
import { createMemoryAuthState, type MemoryAuthState } from './memory-auth-state.factory';

/**
 * Test helpers on the Baileys side: await a client's events (no sleeps) and link a new
 * device to the fake server in one call (QR → scan → 515 restart → open).
 */
export type BaileysEventName = keyof BaileysEventMap;

/** the next `event` of `sock` matching `predicate` */
export function nextBaileysEvent<K extends BaileysEventName>(
  sock: Pick<WASocket, 'ev'>,
  event: K,
  predicate: (payload: BaileysEventMap[K]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<BaileysEventMap[K]> {
  return new Promise((resolve, reject) => {
    const listener = (payload: BaileysEventMap[K]): void => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      sock.ev.off(event, listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      sock.ev.off(event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for Baileys event '${event}'`));
    }, timeoutMs);
    sock.ev.on(event, listener);
  });
}

/** the next messages.upsert carrying a message with this id */
export async function nextUpsertedMessage(sock: Pick<WASocket, 'ev'>, id: string, timeoutMs?: number): Promise<{ message: WAMessage; type: string }> {
  const upsert = await nextBaileysEvent(sock, 'messages.upsert', (u) => u.messages.some((m) => m.key.id === id), timeoutMs);
  return { message: upsert.messages.find((m) => m.key.id === id) as WAMessage, type: upsert.type };
}

export interface LinkedDevice extends BaileysTestSocket {
  paired: PairedAccount;
  auth: MemoryAuthState;
}

/**
 * Pairs a fresh Baileys client with the fake (as a new account, or `scan.phone`'s) and
 * returns the reconnected, open socket. `onSocket` runs before the socket connects (to
 * catch events of the first login, e.g. the initial history sync).
 */
export async function linkNewDevice(
  server: FakeWhatsAppServer,
  options: { scan?: ScanOptions; config?: Partial<UserFacingSocketConfig>; onSocket?: (sock: WASocket) => void } = {},
): Promise<LinkedDevice> {
  const auth = await createMemoryAuthState();
  const first = await createBaileysTestSocket(server.url, auth, options.config);
  const qr = await first.watcher.qr();
  const restart = first.watcher.closed();
  const paired = await server.scan(qr, options.scan);
  await restart;
  const second = await createBaileysTestSocket(server.url, auth, options.config);
  options.onSocket?.(second.sock);
  await second.watcher.opened();
  return { ...second, paired, auth };
}
