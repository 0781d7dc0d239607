import type { BaileysModule } from '../protocol/baileys.loader';
import type { FakeAccount, FakeAccountRegistry, FakeDevice } from '../registries/fake-account.registry';
import type { FakeConnection } from '../protocol/fake-connection.session';
import type { FakeWhatsAppEventName, FakeWhatsAppEvents } from '../fake-whatsapp.types';
import type { GroupStateRegistry } from '../registries/group-state.registry';
import type { PeerSignalRegistry } from '../registries/peer-signal.registry';

/**
 * What the messaging services (delivery, groups, peer activity, client traffic) need from
 * the server, so they stay independent of its HTTP/WebSocket plumbing.
 */
export interface LiveDevice {
  device: FakeDevice;
  conn: FakeConnection;
}

export interface MessagingHost {
  baileys: BaileysModule;
  accounts: FakeAccountRegistry;
  signal: PeerSignalRegistry;
  groups: GroupStateRegistry;
  /** logged-in connections of the account's companions */
  liveDevices(account: FakeAccount): LiveDevice[];
  nextStanzaId(): string;
  publish<K extends FakeWhatsAppEventName>(event: K, payload: FakeWhatsAppEvents[K][0]): void;
  log(message: string): void;
}

/** an existing account by phone / PN / LID jid */
export function requireAccount(host: Pick<MessagingHost, 'accounts'>, jidOrPhone: string): FakeAccount {
  const account = host.accounts.resolve(jidOrPhone)?.account;
  if (!account) throw new Error(`unknown account ${jidOrPhone}`);
  return account;
}

/** a peer by phone / jid; unknown phone numbers become new accounts (convenient for tests) */
export function resolvePeer(host: Pick<MessagingHost, 'accounts'>, jidOrPhone: string, pushName?: string): FakeAccount {
  const found = host.accounts.resolve(jidOrPhone)?.account;
  if (found) return found;
  const phone = /^\+?(\d{6,15})(?:@s\.whatsapp\.net)?$/.exec(jidOrPhone.trim())?.[1];
  if (!phone) throw new Error(`unknown account ${jidOrPhone}`);
  return host.accounts.create({ phone, pushName });
}

export function unixSeconds(timestamp?: number): string {
  return String(timestamp ?? Math.floor(Date.now() / 1000));
}
