import { randomBytes } from 'node:crypto';
import type { AppConfig } from '@gw/config';
import { KeyRing, SecretCipher, TokenHasher } from '@gw/crypto';
import { WebhookTargetCache } from '@gw/delivery';
import type { EventSink, GatewayEvent } from '@gw/events';
import { EventPipeline, InstanceRegistry, InstanceSettingsStore } from '@gw/instances';
import { CloudApiRepository, InstanceRepository, MessageRepository, PrismaService, SecretColumns, SettingsRepository } from '@gw/persistence';
import { NotificationAccount, TestDatabase, metaTextMessage } from '@gw/testing';
import type { CloudNotification } from '@gw/whatsapp';
import { CloudInboundService } from './cloud-inbound.service';

/** An outbox that is down for the first write it is given, then takes everything. */
class OutboxDownOnce implements EventSink {
  down = true;
  readonly events: GatewayEvent[] = [];
  async publish(event: GatewayEvent) {
    return this.publishMany([event]);
  }
  async publishMany(events: GatewayEvent[]) {
    if (this.down) {
      this.down = false;
      throw new Error('outbox unavailable');
    }
    this.events.push(...events);
  }
}

/** The Cloud API feed into the event pipeline, against a real Postgres (claims, message rows). */
describe('CloudInboundService', () => {
  const db = new TestDatabase();
  const account: NotificationAccount = { businessAccountId: '1022', phoneNumberId: '1065', displayPhoneNumber: '15550783881' };
  let prisma: PrismaService;
  let instanceId: string;

  beforeAll(async () => {
    await db.create();
    prisma = new PrismaService({ database: { url: db.url } } as AppConfig);
    instanceId = (await prisma.instance.create({ data: { name: 'cloud', token: 'T', integration: 'WHATSAPP-BUSINESS', number: account.phoneNumberId } })).id;
  });

  const caches: { onModuleDestroy(): void }[] = [];

  afterAll(async () => {
    for (const cache of caches) cache.onModuleDestroy();
    await prisma.$disconnect();
    await db.drop();
  });

  function service(sink: EventSink) {
    const ring = new KeyRing([{ id: 'k1', key: randomBytes(32) }]);
    const secrets = new SecretColumns(new SecretCipher(ring), new TokenHasher(ring));
    const config = { delivery: { base64MaxBytes: 1000 } } as AppConfig;
    const targets = new WebhookTargetCache(new InstanceRepository(prisma, secrets));
    const settings = new InstanceSettingsStore(new SettingsRepository(prisma));
    caches.push(targets, settings);
    const pipeline = new EventPipeline(config, sink, new MessageRepository(prisma), targets, settings);
    // no media in these notifications: the registry's sessions are never asked for
    const registry = { get: () => undefined } as unknown as InstanceRegistry;
    return new CloudInboundService(sink, new CloudApiRepository(prisma, secrets), registry, pipeline);
  }

  it('a change whose events cannot reach the outbox releases its claims; the retry publishes it once, a later duplicate not at all', async () => {
    const sink = new OutboxDownOnce();
    const inbound = service(sink);
    const notification = metaTextMessage(account, { waId: '5511988887777', name: 'Carla' }, 'hola', 'wamid.RETRY1') as CloudNotification;

    await expect(inbound.handle(notification)).rejects.toThrow('outbox unavailable');
    expect(await prisma.metaWebhookReceipt.count({ where: { instanceId } })).toBe(0);

    await inbound.handle(notification); // the queue's retry
    expect(sink.events.map((e) => e.name)).toEqual(['CONTACTS_UPSERT', 'MESSAGES_UPSERT']);
    expect(sink.events[1]).toMatchObject({ instanceId, instanceName: 'cloud', sender: '15550783881@s.whatsapp.net', data: { key: { id: 'wamid.RETRY1' } } });
    expect(await prisma.message.count({ where: { instanceId, keyId: 'wamid.RETRY1' } })).toBe(1);

    await inbound.handle(notification); // Meta sends it again
    expect(sink.events).toHaveLength(2);
  });
});
