import { Logger } from '@nestjs/common';
import type { AppConfig } from '@gw/config';
import type { EventSink, GatewayEvent } from '@gw/events';
import { MessageRepository, PrismaService } from '@gw/persistence';
import { TestDatabase } from '@gw/testing';
import type { EngineEvent, EngineMessage } from '@gw/whatsapp';
import { DEFAULT_SETTINGS } from '../settings/instance-settings.store';
import { EngineEventQueue } from './engine-event.queue';
import { buildInstancePipeline } from './instance-pipeline';

/** The real message store, recording how many messages each insert carried. */
class CountingMessages extends MessageRepository {
  readonly inserts: number[] = [];
  override insertNew(instanceId: string, messages: EngineMessage[]) {
    this.inserts.push(messages.length);
    return super.insertNew(instanceId, messages);
  }
}

/** An event sink that keeps what the pipeline hands it, in order. */
class RecordingSink implements EventSink {
  readonly events: GatewayEvent[] = [];
  async publish(event: GatewayEvent) {
    this.events.push(event);
  }
  async publishMany(events: GatewayEvent[]) {
    this.events.push(...events);
  }
}

const CHAT = '5511900000002@s.whatsapp.net';
const message = (id: string): EngineMessage => ({
  key: { remoteJid: CHAT, fromMe: false, id },
  message: { conversation: `text ${id}` },
  messageType: 'conversation',
  messageTimestamp: 1763700000,
  status: 'DELIVERY_ACK',
  source: 'android',
});
const messages = (...ids: string[]): EngineEvent => ({ type: 'messages', origin: 'notify', messages: ids.map(message) });
const chatUpdate = (unread: number): EngineEvent => ({ type: 'chats', action: 'update', chats: [{ id: CHAT, unreadCount: unread }] });

describe('EngineEventQueue: engine events queued behind a slow write', () => {
  const db = new TestDatabase();
  let prisma: PrismaService;
  let instanceId: string;

  beforeAll(async () => {
    await db.create();
    prisma = new PrismaService({ database: { url: db.url } } as AppConfig);
    instanceId = (await prisma.instance.create({ data: { name: 'runtime', token: 'T' } })).id;
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  /** A live instance's queue in front of its pipeline; the first handled event waits for `release`, so the next ones queue up. */
  function setup() {
    const store = new CountingMessages(prisma);
    const sink = new RecordingSink();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let first = true;
    const pipeline = buildInstancePipeline({
      instance: { id: instanceId, name: 'runtime' },
      source: { downloadMedia: async () => ({ ok: false, reason: 'unknown-message' }), sender: () => undefined },
      settings: async () => DEFAULT_SETTINGS,
      messages: store,
      media: { wantsBase64: async () => false, base64MaxBytes: 0 },
      sink,
      logger: new Logger('test'),
    });
    const queue = new EngineEventQueue(
      async (event) => {
        if (first) [first] = [false, await gate];
        await pipeline.handle(event);
      },
      new Logger('test'),
      'runtime',
    );
    const runtime = { drained: async () => [await queue.drained(), await pipeline.drained()] };
    return { runtime, emit: (e: EngineEvent) => queue.push(e), release, store, sink };
  }

  const published = (sink: RecordingSink) =>
    sink.events.map((e) =>
      e.name === 'MESSAGES_UPSERT' ? `upsert ${(e.data as { key: { id: string } }).key.id}` : `${e.name} ${JSON.stringify(e.data).includes('"unreadMessages":2') ? 2 : ''}`.trim(),
    );

  it("stores messages that queued up between their chat updates in one insert, chat updates after them", async () => {
    const { runtime, emit, release, store, sink } = setup();
    emit(chatUpdate(0)); // handled first, held at the gate
    emit(messages('RT-A1'));
    emit(chatUpdate(1));
    emit(messages('RT-A2'));
    emit(chatUpdate(2));
    release();
    await runtime.drained();

    expect(store.inserts).toEqual([2]);
    expect(sink.events.map((e) => e.name)).toEqual(['CHATS_UPDATE', 'MESSAGES_UPSERT', 'MESSAGES_UPSERT', 'CHATS_UPDATE', 'CHATS_UPDATE']);
    expect(published(sink).slice(1, 3)).toEqual(['upsert RT-A1', 'upsert RT-A2']);
    // the chat updates keep their own order
    expect(published(sink)[4]).toBe('CHATS_UPDATE 2');
  });

  it('does not move a contacts event: it may shape the messages after it', async () => {
    const { runtime, emit, release, store, sink } = setup();
    emit(chatUpdate(0));
    emit(messages('RT-B1'));
    emit({ type: 'contacts', action: 'upsert', contacts: [{ id: CHAT, notify: 'Alice' }] });
    emit(messages('RT-B2'));
    release();
    await runtime.drained();

    expect(store.inserts).toEqual([1, 1]);
    expect(published(sink)).toEqual(['CHATS_UPDATE', 'upsert RT-B1', 'CONTACTS_UPSERT', 'upsert RT-B2']);
  });
});
