import type { AppConfig } from '@gw/config';
import { KeyRing, SecretCipher, TokenHasher } from '@gw/crypto';
import type { EventSink, GatewayEvent } from '@gw/events';
import { InstanceRepository, PrismaService, SecretColumns } from '@gw/persistence';
import { TestDatabase } from '@gw/testing';
import { ApplicationStartupNotifier } from './application-startup.notifier';

/** APPLICATION_STARTUP against a real Postgres: it must not hold the boot, nor go out one by one. */
describe('ApplicationStartupNotifier', () => {
  const db = new TestDatabase();
  let prisma: PrismaService;
  let instances: InstanceRepository;

  beforeAll(async () => {
    await db.create();
    prisma = new PrismaService({ database: { url: db.url } } as AppConfig);
    instances = new InstanceRepository(prisma, new SecretColumns(new SecretCipher(new KeyRing([])), new TokenHasher(new KeyRing([]))));
    const hooks: Record<string, { events: string[]; enabled: boolean } | null> = {
      'all-events': { events: [], enabled: true },
      'startup-only': { events: ['APPLICATION_STARTUP'], enabled: true },
      'messages-only': { events: ['MESSAGES_UPSERT'], enabled: true },
      disabled: { events: [], enabled: false },
      'no-webhook': null,
    };
    for (const [name, hook] of Object.entries(hooks)) {
      const { id } = await prisma.instance.create({ data: { name, token: `T-${name}` } });
      // the primary webhook (Evolution's /webhook/set), what the notice follows
      if (hook) await prisma.webhook.create({ data: { instanceId: id, primaryFor: id, url: `http://127.0.0.1:9/${name}`, ...hook } });
    }
  });

  afterAll(async () => {
    await prisma.onApplicationShutdown();
    await db.drop();
  });

  it('returns at once and publishes every notice together: the global one and each subscribed instance’s', async () => {
    const published: GatewayEvent[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let allStarted!: () => void;
    const started = new Promise<void>((r) => (allStarted = r));
    // The outbox is slow: no publish resolves until released.
    const sink: EventSink = {
      publish: async (event) => {
        published.push(event);
        if (published.length === 3) allStarted();
        await held;
      },
    };
    const notifier = new ApplicationStartupNotifier(sink, instances);
    expect(notifier.onApplicationBootstrap()).toBeUndefined(); // nothing for the boot to wait on
    await started; // all three publishes are in flight before any finished: not one by one
    let settled = false;
    void notifier.sent.then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    release();
    await notifier.sent;
    expect(published.map((e) => `${e.name} ${e.instanceName || 'global'}`).sort()).toEqual([
      'APPLICATION_STARTUP all-events',
      'APPLICATION_STARTUP global',
      'APPLICATION_STARTUP startup-only',
    ]);
  });

  it('a failing outbox is logged, never thrown into the boot', async () => {
    const notifier = new ApplicationStartupNotifier({ publish: async () => Promise.reject(new Error('outbox down')) }, instances);
    const warn = jest.spyOn((notifier as unknown as { logger: { warn: (m: string) => void } }).logger, 'warn').mockImplementation(() => undefined);
    notifier.onApplicationBootstrap();
    await notifier.sent;
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('outbox down'));
  });
});
