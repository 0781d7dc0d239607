import type { FakeAccount, FakeDevice } from '../registries/fake-account.registry';
import type { HistorySyncInput, HistorySyncResult } from '../fake-messaging.types';
import { buildAppStateKeyShare, buildHistorySyncMessages } from './history-sync.builder';
import type { MessageDeliveryService } from './message-delivery.service';
import { requireAccount, type MessagingHost } from './messaging-host.types';

/**
 * The phone syncing its companions. On a device's first login Baileys v7 buffers all
 * events (AwaitingInitialSync, chats.js) until a history sync notification arrives or
 * 20 s pass; like a real phone, the fake sends the app-state key share and an
 * INITIAL_BOOTSTRAP history (empty unless seeded) once the device has uploaded its
 * pre-keys, so Baileys goes online at once. Tests can push more history any time.
 */
export type HistorySyncOnLogin = 'first' | 'always' | 'never';

export class HistorySyncService {
  private readonly synced = new WeakSet<FakeDevice>();
  private readonly seeds = new Map<FakeAccount, HistorySyncInput>();

  constructor(
    private readonly host: MessagingHost,
    private readonly delivery: MessageDeliveryService,
    private readonly policy: HistorySyncOnLogin,
  ) {}

  /** history the phone hands to devices of `account` in their initial sync */
  seed(account: FakeAccount, input: HistorySyncInput): void {
    this.seeds.set(account, input);
  }

  /** the device is logged in and has uploaded its pre-keys */
  async onDeviceReady(device: FakeDevice): Promise<void> {
    if (this.policy === 'never' || (this.policy === 'first' && this.synced.has(device))) return;
    this.synced.add(device);
    const account = device.account;
    const phone = await this.host.signal.phone(account);
    await this.delivery.sendFromOwnPhone(account, buildAppStateKeyShare(this.host.baileys, phone), device);
    const seed = this.seeds.get(account) ?? {};
    for (const message of buildHistorySyncMessages(this.host.baileys, { ...seed, syncType: 'INITIAL_BOOTSTRAP' })) {
      await this.delivery.sendFromOwnPhone(account, message, device);
    }
  }

  /** HISTORY_SYNC_NOTIFICATION(s) to every connected device of `to` → messaging-history.set */
  async send(to: string, input: HistorySyncInput): Promise<HistorySyncResult> {
    const account = requireAccount(this.host, to);
    if (this.host.liveDevices(account).length === 0) throw new Error(`no device of ${account.jid} is connected`);
    const result: HistorySyncResult = { messageIds: [], devices: [] };
    for (const message of buildHistorySyncMessages(this.host.baileys, input)) {
      const { id, devices } = await this.delivery.sendFromOwnPhone(account, message);
      result.messageIds.push(id);
      result.devices = devices;
    }
    return result;
  }
}
