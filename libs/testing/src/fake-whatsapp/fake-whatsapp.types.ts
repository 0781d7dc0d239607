import type { BinaryNode } from '@whiskeysockets/baileys';
import type { CompanionPropsInfo } from './protocol/companion-props.decoder';
import type { ClientMessageRecord, ClientReceiptRecord, GroupAction, GroupInfo, MessageDeliveryRecord } from './fake-messaging.types';

/** Public, JSON-friendly shapes of the fake server (admin API and in-process API). */

export type ConnectionPhase = 'handshake' | 'registration' | 'logged-in' | 'closed';

export interface ConnectionInfo {
  id: string;
  phase: ConnectionPhase;
  remoteAddress?: string;
  connectedAt: string;
  /** set while the client is waiting to be paired (QR / pairing code) */
  registrationId?: string;
  /** account jid (phone@s.whatsapp.net) once logged in */
  jid?: string;
  deviceJid?: string;
  lid?: string;
}

export interface RegistrationInfo {
  id: string;
  connectionId: string;
  /** QR refs sent in <pair-device>; Baileys shows one after another */
  refs: string[];
  refsCount: number;
  createdAt: string;
  /** phone given to requestPairingCode(), when the client asked for a pairing code */
  pairingCodePhone?: string;
  /** base64 keys from the registration ClientPayload / QR */
  noiseKey: string;
  identityKey: string;
  /** DeviceProps of the registration ClientPayload (requireFullSync = Baileys' syncFullHistory) */
  companionProps?: CompanionPropsInfo;
}

export type DeviceStatus = 'active' | 'logged-out';

export interface DeviceInfo {
  id: number;
  jid: string;
  lid: string;
  keyIndex: number;
  status: DeviceStatus;
  platform?: string;
  /** what the client advertised when it registered (see RegistrationInfo.companionProps) */
  companionProps?: CompanionPropsInfo;
  pairedAt?: string;
  loggedOutAt?: string;
  registrationId?: number;
  preKeyCount: number;
  hasSignedPreKey: boolean;
  connected: boolean;
}

export interface AccountInfo {
  phone: string;
  jid: string;
  lid: string;
  pushName?: string;
  createdAt: string;
  devices: DeviceInfo[];
}

export interface PairedAccount {
  /** account jid, e.g. 5511900000001@s.whatsapp.net */
  jid: string;
  /** account LID, e.g. 100000000000001@lid */
  lid: string;
  phone: string;
  deviceId: number;
  /** what Baileys stores as creds.me.id, e.g. 5511900000001:1@s.whatsapp.net */
  deviceJid: string;
  deviceLid: string;
}

export interface LogoutRecord {
  jid: string;
  deviceJid: string;
  lid: string;
  reason: string;
  /** 'client' = remove-companion-device iq (sock.logout()); 'server' = kick with 401 */
  initiator: 'client' | 'server';
  at: string;
}

export interface DisconnectRecord {
  connectionId: string;
  phase: ConnectionPhase;
  jid?: string;
  deviceJid?: string;
  /** status code the server asked the client to report, when it initiated the close */
  code?: number;
  at: string;
}

export interface FakeWhatsAppState {
  url: string;
  connections: ConnectionInfo[];
  registrations: RegistrationInfo[];
  accounts: AccountInfo[];
  logouts: LogoutRecord[];
}

export interface LoginEvent {
  connectionId: string;
  jid: string;
  deviceJid: string;
  lid: string;
}

export interface LoginRejectedEvent {
  connectionId: string;
  deviceJid: string;
  code: number;
}

export interface KickEvent {
  connectionId: string;
  code: number;
  jid?: string;
}

export interface FakeWhatsAppEvents {
  connection: [ConnectionInfo];
  registration: [RegistrationInfo];
  'pairing-code-request': [{ registrationId: string; connectionId: string; phone: string }];
  paired: [PairedAccount & { connectionId: string }];
  login: [LoginEvent];
  'login-rejected': [LoginRejectedEvent];
  logout: [LogoutRecord];
  kick: [KickEvent];
  disconnect: [DisconnectRecord];
  /** every stanza received from a client after the handshake */
  stanza: [{ connectionId: string; node: BinaryNode }];
  /** sendMessage() handed a message to the target's connected devices */
  'message-delivered': [MessageDeliveryRecord];
  /** a client sent a message (decrypted by the recipients' fake phones) */
  'client-message': [ClientMessageRecord];
  /** a client sent a receipt (delivery/inactive/read/played/retry/peer_msg/…) */
  'client-receipt': [ClientReceiptRecord];
  /** a client sent an app-state mutation (decoded; see account-profile.registry.ts) */
  'client-app-state': [import('./registries/account-profile.registry').ClientAppStatePatch];
  /** a group was created or changed (by the test API or a client's IQ) */
  'group-update': [{ action: GroupAction; author: string; group: GroupInfo }];
}

export type FakeWhatsAppEventName = keyof FakeWhatsAppEvents;

export interface FakeWhatsAppServerOptions {
  /** default 127.0.0.1 */
  host?: string;
  /** default 0 (random free port) */
  port?: number;
  /** how many QR refs go into <pair-device> (real server: 6) */
  qrRefCount?: number;
  /** delay before the first stanza after the handshake, so the client has switched to transport keys */
  handshakeSettleMs?: number;
  /** after a stream:error / failure, close the socket if the client has not done so itself */
  closeGraceMs?: number;
  /** how long scan()/enterPairingCode() wait for the client's pair-device-sign reply */
  pairingTimeoutMs?: number;
  /** serve /admin/* on the same HTTP server (default true) */
  admin?: boolean;
  /** first generated phone number (default 5511900000001) */
  firstPhoneNumber?: number;
  /**
   * when the phone sends a device its initial sync (app-state key share + INITIAL_BOOTSTRAP
   * history), which ends Baileys' AwaitingInitialSync buffering: 'first' login of each
   * device (default, like WhatsApp), 'always', or 'never' (Baileys then waits ~20 s)
   */
  historySyncOnLogin?: 'first' | 'always' | 'never';
  /** receives debug lines; silent by default */
  log?: (message: string) => void;
  /** also serve WhatsApp's media upload host over HTTPS (see FakeMediaHost; default false) */
  mediaHost?: boolean;
}

export interface CreateAccountOptions {
  phone?: string;
  pushName?: string;
}

export interface ScanOptions extends CreateAccountOptions {
  /** platform name sent in <pair-success><platform name=…/> (default 'android') */
  platform?: string;
}
