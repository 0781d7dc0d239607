import { join } from 'node:path';
import { ForkedReceiver } from './forked-receiver';
import type { UpsertReceiverCommand, UpsertReceiverNotice } from './upsert-receiver';

/** The parent's side of `upsert-receiver.ts`: setup notices per instance, counts and receipt times of `IB<n>` messages. */
export class UpsertReceiverProcess extends ForkedReceiver<UpsertReceiverCommand> {
  private readonly listeners: ((n: UpsertReceiverNotice) => void)[] = [];
  /** `messages.set` records received, per instance. */
  readonly historyRecords = new Map<string, number>();

  constructor() {
    super(join(__dirname, 'upsert-receiver.js'));
  }

  protected override onNotice(message: Record<string, unknown>) {
    const notice = message as unknown as UpsertReceiverNotice;
    if (notice.notice === 'history') this.historyRecords.set(notice.instance, (this.historyRecords.get(notice.instance) ?? 0) + notice.records);
    for (const l of [...this.listeners]) l(notice);
  }

  /** The next notice matching `pick` (e.g. an instance's QR, its connection opening). */
  next<T>(pick: (n: UpsertReceiverNotice) => T | undefined, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const listener = (n: UpsertReceiverNotice) => {
        const v = pick(n);
        if (v === undefined) return;
        clearTimeout(timer);
        this.listeners.splice(this.listeners.indexOf(listener), 1);
        resolve(v);
      };
      const timer = setTimeout(() => {
        this.listeners.splice(this.listeners.indexOf(listener), 1);
        reject(new Error('receiver: expected webhook did not arrive'));
      }, timeoutMs);
      this.listeners.push(listener);
    });
  }

  /** Waits until the instance's history sync stored `expected` records, or nothing new arrived for stallMs. */
  async waitForHistory(instance: string, expected: number, stallMs: number): Promise<number> {
    for (let last = -1, since = Date.now(); ; ) {
      const records = this.historyRecords.get(instance) ?? 0;
      if (records >= expected) return records;
      if (records !== last) [last, since] = [records, Date.now()];
      else if (Date.now() - since > stallMs) return records;
      await new Promise((r) => setTimeout(r, 200)); // bounded polling: history arrives in chunks
    }
  }

  /** Waits until messages [from, to) all arrived, or nothing new arrived for stallMs. */
  async waitForRange(from: number, to: number, stallMs: number): Promise<number> {
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const { received } = await this.call<{ received: number }>({ cmd: 'count', from, to });
      if (received >= to - from) return received;
      if (received !== last) [last, lastChange] = [received, Date.now()];
      else if (Date.now() - lastChange > stallMs) return received;
      await new Promise((r) => setTimeout(r, 100)); // bounded polling: the receiver is another process
    }
  }

  /** Receipt time of each message in [from, to), null if it never arrived. */
  async receivedAt(from: number, to: number): Promise<(number | null)[]> {
    return (await this.call<{ receivedAt: (number | null)[] }>({ cmd: 'dump', from, to })).receivedAt;
  }
}
