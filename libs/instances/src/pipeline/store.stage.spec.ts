import { Logger } from '@nestjs/common';
import type { AppConfig } from '@gw/config';
import type { EventName } from '@gw/events';
import { MessageRepository, PrismaService } from '@gw/persistence';
import { TestDatabase } from '@gw/testing';
import type { EngineEvent } from '@gw/whatsapp';
import { DEFAULT_SETTINGS } from '../settings/instance-settings.store';
import { buildInstancePipeline } from './instance-pipeline';

/** Who decides what is new: the message store's unique key, or a feed that claimed its input first. */
describe('StoreStage: deduplication', () => {
  const db = new TestDatabase();
  let prisma: PrismaService;
  let n = 0;

  beforeAll(async () => {
    await db.create();
    prisma = new PrismaService({ database: { url: db.url } } as AppConfig);
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  async function pipelineWith(deduplicatedByFeed: boolean) {
    const instanceId = (await prisma.instance.create({ data: { name: `dedupe${++n}`, token: `T${n}` } })).id;
    const recorded: EngineEvent['type'][] = [];
    const pipeline = buildInstancePipeline({
      instance: { id: instanceId, name: 'dedupe' },
      source: { downloadMedia: async () => ({ ok: false, reason: 'unknown-message' }), sender: () => undefined, deduplicatedByFeed },
      settings: async () => DEFAULT_SETTINGS,
      messages: new MessageRepository(prisma),
      recorder: { record: (_id, event) => void recorded.push(event.type) },
      media: { wantsBase64: async () => false, base64MaxBytes: 0 },
      sink: { publish: async () => undefined },
      logger: new Logger('test'),
    });
    /** The catalogue events of one handled event. */
    const handle = async (event: EngineEvent) => {
      const names: EventName[] = [];
      await pipeline.handle(event, { publish: (name) => void names.push(name) });
      return names;
    };
    return { handle, recorded, instanceId };
  }

  const text = (id: string): EngineEvent => ({
    type: 'messages',
    origin: 'notify',
    messages: [
      {
        key: { remoteJid: '5511977776666@s.whatsapp.net', fromMe: false, id },
        message: { conversation: 'hi' },
        messageType: 'conversation',
        messageTimestamp: 1_763_700_000,
        status: 'DELIVERY_ACK',
        source: 'unknown',
      },
    ],
  });

  it('by default a redelivered message is stored once and published once', async () => {
    const { handle, recorded } = await pipelineWith(false);
    expect(await handle(text('DEDUPE-A'))).toEqual(['MESSAGES_UPSERT']);
    expect(await handle(text('DEDUPE-A'))).toEqual([]);
    expect(recorded).toEqual(['messages', 'messages']); // the store's writer sees both (its writes are idempotent)
  });

  it('a feed that claimed its input (Cloud API) gets its retry published although the row exists', async () => {
    const { handle, instanceId } = await pipelineWith(true);
    expect(await handle(text('DEDUPE-B'))).toEqual(['MESSAGES_UPSERT']);
    expect(await handle(text('DEDUPE-B'))).toEqual(['MESSAGES_UPSERT']);
    const rows = await prisma.message.count({ where: { instanceId, keyId: 'DEDUPE-B' } });
    expect(rows).toBe(1);
  });
});
