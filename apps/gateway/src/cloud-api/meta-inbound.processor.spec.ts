import type { AppConfig } from '@gw/config';
import type { CloudApiRepository } from '@gw/persistence';
import type { CloudNotification } from '@gw/whatsapp';
import type IORedis from 'ioredis';
import type { CloudInboundService } from './cloud-inbound.service';
import { MetaInboundProcessor } from './meta-inbound.processor';

const notification = (phoneNumberId: string, status: string): string =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'waba', changes: [{ field: 'messages', value: { metadata: { phone_number_id: phoneNumberId }, statuses: [{ status }] } }] }],
  });

/** Handles notifications as the processor hands them over; each one finishes only when the test says so. */
class GatedInbound {
  readonly started: string[] = [];
  private readonly gates = new Map<string, () => void>();
  private readonly waiting: Array<() => void> = [];

  handle(n: CloudNotification): Promise<void> {
    const value = n.entry![0].changes![0].value as unknown as { metadata: { phone_number_id: string }; statuses: { status: string }[] };
    const label = `${value.metadata.phone_number_id}:${value.statuses[0].status}`;
    this.started.push(label);
    this.waiting.splice(0).forEach((wake) => wake());
    return new Promise((resolve) => this.gates.set(label, resolve));
  }
  finish(label: string) {
    this.gates.get(label)!();
  }
  /** Resolves once `count` notifications have started. */
  async startedCount(count: number) {
    while (this.started.length < count) await new Promise<void>((r) => this.waiting.push(r));
  }
}

describe('MetaInboundProcessor', () => {
  const make = (inbound: GatedInbound) =>
    new MetaInboundProcessor({} as AppConfig, {} as IORedis, inbound as unknown as CloudInboundService, {} as CloudApiRepository);

  it('handles one number\'s notifications in the order taken, while another number\'s go alongside', async () => {
    const inbound = new GatedInbound();
    const processor = make(inbound);
    const delivered = processor.process({ data: { body: notification('1065', 'delivered'), receivedAt: 1 } });
    const read = processor.process({ data: { body: notification('1065', 'read'), receivedAt: 2 } });
    const other = processor.process({ data: { body: notification('2077', 'sent'), receivedAt: 3 } });

    await inbound.startedCount(2);
    // the read waits for the delivered one; the other number did not wait
    expect(inbound.started).toEqual(['1065:delivered', '2077:sent']);
    inbound.finish('2077:sent');
    await other;
    expect(inbound.started).toEqual(['1065:delivered', '2077:sent']);
    inbound.finish('1065:delivered');
    await delivered;
    await inbound.startedCount(3);
    expect(inbound.started[2]).toBe('1065:read');
    inbound.finish('1065:read');
    await read;
  });

  it('a failed notification fails its own job and does not hold or fail the next one of the number', async () => {
    const started: string[] = [];
    const inbound = {
      handle: async (n: CloudNotification) => {
        const status = (n.entry![0].changes![0].value as unknown as { statuses: { status: string }[] }).statuses[0].status;
        started.push(status);
        if (status === 'delivered') throw new Error('outbox unavailable');
      },
    };
    const processor = new MetaInboundProcessor({} as AppConfig, {} as IORedis, inbound as unknown as CloudInboundService, {} as CloudApiRepository);
    const first = processor.process({ data: { body: notification('1065', 'delivered'), receivedAt: 1 } });
    const second = processor.process({ data: { body: notification('1065', 'read'), receivedAt: 2 } });
    await expect(first).rejects.toThrow('outbox unavailable');
    await expect(second).resolves.toBeUndefined();
    expect(started).toEqual(['delivered', 'read']);
  });

  it('names the lane by the route\'s instance name when Meta posts to /webhook/whatsapp/:instanceName', async () => {
    const inbound = new GatedInbound();
    const processor = make(inbound);
    // two numbers' bodies, one named instance: one lane
    const a = processor.process({ data: { body: notification('1065', 'delivered'), instanceName: 'cloud', receivedAt: 1 } });
    const b = processor.process({ data: { body: notification('2077', 'read'), instanceName: 'cloud', receivedAt: 2 } });
    await inbound.startedCount(1);
    await Promise.resolve();
    expect(inbound.started).toEqual(['1065:delivered']);
    inbound.finish('1065:delivered');
    await a;
    await inbound.startedCount(2);
    inbound.finish('2077:read');
    await b;
    expect(inbound.started).toEqual(['1065:delivered', '2077:read']);
  });
});
