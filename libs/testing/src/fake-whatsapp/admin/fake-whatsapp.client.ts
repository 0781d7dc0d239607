import type { RealisticAccountOptions, RealisticAccountPlan } from '../services/realistic-account.builder';
import type { KickReason } from '../protocol/disconnect-reason.util';
import type { JournalEntry } from '../registries/event-journal.store';
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
} from '../fake-messaging.types';
import type {
  AccountInfo,
  CreateAccountOptions,
  FakeWhatsAppEventName,
  FakeWhatsAppEvents,
  FakeWhatsAppState,
  PairedAccount,
  ScanOptions,
} from '../fake-whatsapp.types';
import type { PostStatusOptions, StatusPostRecord } from '../services/status-broadcast.service';

/**
 * Typed client for the fake server's HTTP admin API (see fake-whatsapp.admin.ts), for
 * tests whose Baileys client lives in another process (the gateway).
 */
export type AdminEventPayload<K extends FakeWhatsAppEventName> = FakeWhatsAppEvents[K][0];

export class FakeWhatsAppAdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'FakeWhatsAppAdminError';
  }
}

export class FakeWhatsAppAdminClient {
  private readonly baseUrl: string;

  /** baseUrl: the "admin" URL printed by the CLI, e.g. http://127.0.0.1:PORT */
  constructor(baseUrl: string, private readonly requestTimeoutMs = 20_000) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  health(): Promise<{ ok: boolean; url: string }> {
    return this.request('GET', '/admin/health');
  }

  state(): Promise<FakeWhatsAppState> {
    return this.request('GET', '/admin/state');
  }

  /** the phone scans the QR string the gateway exposed; resolves once the device is paired */
  scan(qr: string, options: ScanOptions = {}): Promise<PairedAccount> {
    return this.request('POST', '/admin/scan', { qr, ...options });
  }

  enterPairingCode(phone: string, code: string, options: Omit<ScanOptions, 'phone'> = {}): Promise<PairedAccount> {
    return this.request('POST', '/admin/pairing-code', { phone, code, ...options });
  }

  /** returns the ids of the kicked connections */
  async kick(target: string, reason: KickReason): Promise<string[]> {
    const { kicked } = await this.request<{ kicked: string[] }>('POST', '/admin/kick', { target, reason });
    return kicked;
  }

  createAccount(options: CreateAccountOptions = {}): Promise<AccountInfo> {
    return this.request('POST', '/admin/accounts', options);
  }

  /** a peer sends a message to `to`'s devices (see FakeWhatsAppServer.sendMessage) */
  sendMessage(to: string, from: string, content: MessageContent, options: SendMessageOptions = {}): Promise<SentMessageKey> {
    return this.request('POST', '/admin/messages', { to, from, content, options });
  }

  async sendPresence(to: string, from: string, type: PresenceType, lastSeen?: number): Promise<string[]> {
    return (await this.request<{ devices: string[] }>('POST', '/admin/presence', { to, from, type, lastSeen })).devices;
  }

  async sendChatState(to: string, from: string, state: ChatStateType, group?: string): Promise<string[]> {
    return (await this.request<{ devices: string[] }>('POST', '/admin/chatstate', { to, from, state, group })).devices;
  }

  createGroup(owner: string, subject: string, participants: string[], options: CreateGroupOptions = {}): Promise<GroupInfo> {
    return this.request('POST', '/admin/groups', { owner, subject, participants, options });
  }

  groups(): Promise<GroupInfo[]> {
    return this.request('GET', '/admin/groups');
  }

  groupNotification(group: string, author: string, action: GroupAction, participants: string[] = [], value?: string | boolean): Promise<GroupInfo> {
    return this.request('POST', '/admin/groups/notification', { group, author, action, participants, value });
  }

  sendHistorySync(to: string, input: HistorySyncInput): Promise<HistorySyncResult> {
    return this.request('POST', '/admin/history-sync', { to, ...input });
  }

  async setInitialHistory(account: string, input: HistorySyncInput): Promise<void> {
    await this.request('POST', '/admin/initial-history', { account, ...input });
  }

  /** see FakeWhatsAppServer.seedRealisticAccount */
  seedRealisticAccount(phone: string, options: RealisticAccountOptions & { pushName?: string } = {}): Promise<RealisticAccountPlan> {
    return this.request('POST', '/admin/realistic-account', { phone, ...options });
  }

  sendCall(to: string, from: string, options: CallOptions = {}): Promise<{ id: string; devices: string[] }> {
    return this.request('POST', '/admin/calls', { to, from, options });
  }

  async sendReceipt(
    key: { remoteJid: string; id: string },
    from: string,
    type: PeerReceiptType = 'delivery',
    options: ReceiptOptions = {},
  ): Promise<string[]> {
    return (await this.request<{ devices: string[] }>('POST', '/admin/receipts', { key, from, type, options })).devices;
  }

  /** messages the clients sent, decrypted by the fake; filter by sender (device or account jid), chat, id */
  clientMessages(filter: { from?: string; to?: string; id?: string } = {}): Promise<ClientMessageRecord[]> {
    return this.request('GET', `/admin/client-messages?${queryString(filter)}`);
  }

  postStatus(to: string[], from: string, content: MessageContent, options: PostStatusOptions = {}): Promise<StatusPostRecord> { return this.request('POST', '/admin/statuses', { to, from, content, options }); }

  clientReceipts(filter: { id?: string } = {}): Promise<ClientReceiptRecord[]> {
    return this.request('GET', `/admin/client-receipts?${queryString(filter)}`);
  }

  /** sequence number of the latest event; pass as `after` to only wait for newer events */
  async cursor(): Promise<number> {
    return (await this.events(Number.MAX_SAFE_INTEGER, 0)).lastSeq;
  }

  events(after: number, waitMs: number): Promise<{ lastSeq: number; events: JournalEntry[] }> {
    return this.request('GET', `/admin/events?after=${after}&waitMs=${waitMs}`);
  }

  /** first event (after `after`, default: since server start) matching `predicate`, via long-polling */
  async waitFor<K extends FakeWhatsAppEventName>(
    event: K,
    predicate: (payload: AdminEventPayload<K>) => boolean = () => true,
    options: { after?: number; timeoutMs?: number } = {},
  ): Promise<AdminEventPayload<K>> {
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    let after = options.after ?? 0;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for fake WhatsApp event '${event}'`);
      const page = await this.events(after, Math.min(remaining, 10_000));
      for (const entry of page.events) {
        after = entry.seq;
        if (entry.event === event && predicate(entry.payload as AdminEventPayload<K>)) {
          return entry.payload as AdminEventPayload<K>;
        }
      }
    }
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.requestTimeoutMs),
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      const message = (parsed as { error?: string } | undefined)?.error ?? response.statusText;
      throw new FakeWhatsAppAdminError(response.status, `${method} ${path}: ${message}`);
    }
    return parsed as T;
  }
}

function queryString(filter: Record<string, string | undefined>): string {
  return new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => e[1] !== undefined)).toString();
}
