import type { AppConfig } from '@gw/config';
import type { EngineMessage } from '@gw/messages';
import { TestDatabase } from '@gw/testing';
import { randomUUID } from 'node:crypto';
import { PrismaService } from '../prisma.service';
import { MessageRepository } from './message.repository';

const message = (id: string): EngineMessage =>
  ({
    key: { id, remoteJid: '5511900000002@s.whatsapp.net', fromMe: false },
    pushName: 'Ana',
    messageType: 'conversation',
    message: { conversation: id },
    messageTimestamp: 1_763_700_000,
    status: 'DELIVERY_ACK',
    source: 'android',
  }) as EngineMessage;

describe('MessageRepository.insertNew across instances (real Postgres)', () => {
  const db = new TestDatabase();
  let prisma: PrismaService;
  let repo: MessageRepository;
  const ids: string[] = [];

  beforeAll(async () => {
    await db.create();
    prisma = new PrismaService({ database: { url: db.url } } as AppConfig);
    repo = new MessageRepository(prisma);
    for (const name of ['a', 'b']) ids.push((await prisma.instance.create({ data: { name, token: `T${name}` } })).id);
  });

  afterAll(async () => {
    await prisma.onApplicationShutdown();
    await db.drop();
  });

  it('stores the live messages of several instances in one statement, each told only its own new ids', async () => {
    const [a, b] = ids;
    await repo.insertNew(a, [message('M0')]);
    const spy = jest.spyOn(prisma.pool, 'query');
    try {
      const [freshA, freshB] = await Promise.all([repo.insertNew(a, [message('M0'), message('M1')]), repo.insertNew(b, [message('M0')])]);
      const text = (q: unknown) => (typeof q === 'string' ? q : String((q as { text?: string }).text));
      expect(spy.mock.calls.filter(([q]) => text(q).includes('INSERT INTO "Message"'))).toHaveLength(1);
      // the same key id is a redelivery on `a` and a new message on `b`
      expect([...freshA.keys()]).toEqual(['M1']);
      expect([...freshB.keys()]).toEqual(['M0']);
    } finally {
      spy.mockRestore();
    }
    expect(await repo.count(a)).toBe(2);
    expect(await repo.count(b)).toBe(1);
  });

  it('a statement that fails for one instance fails only that caller', async () => {
    const [a] = ids;
    const gone = randomUUID(); // no such instance: its row breaks the foreign key
    const [ok, bad] = await Promise.allSettled([repo.insertNew(a, [message('M2')]), repo.insertNew(gone, [message('M2')])]);
    expect(ok.status === 'fulfilled' && [...ok.value.keys()]).toEqual(['M2']);
    expect(bad.status).toBe('rejected');
  });

  it('stores every field as given, with U+0000 (which Postgres text and jsonb refuse) stored as U+FFFD', async () => {
    const [, b] = ids;
    const given: EngineMessage = {
      ...message('M3'),
      key: { id: 'M3', remoteJid: '120363000000000001@g.us', fromMe: true, participant: '5511900000003@s.whatsapp.net' },
      pushName: 'A\u0000na "quoted" \\ back',
      message: { extendedTextMessage: { text: 'hi\u0000 "there"', contextInfo: { expiration: 0 } } },
      messageType: 'extendedTextMessage',
      messageTimestamp: 1_763_700_123.9,
    };
    const stubbed: EngineMessage = { ...message('M4'), pushName: undefined, message: null };
    const fresh = await repo.insertNew(b, [given, stubbed]);
    expect([...fresh.keys()]).toEqual(['M3', 'M4']);
    const rows = await prisma.message.findMany({ where: { instanceId: b, keyId: { in: ['M3', 'M4'] } }, orderBy: { keyId: 'asc' } });
    expect(rows.map((r) => r.id)).toEqual([fresh.get('M3'), fresh.get('M4')]);
    expect(rows[0]).toMatchObject({
      remoteJid: '120363000000000001@g.us',
      fromMe: true,
      participant: '5511900000003@s.whatsapp.net',
      pushName: 'A\uFFFDna "quoted" \\ back',
      messageType: 'extendedTextMessage',
      message: { extendedTextMessage: { text: 'hi\uFFFD "there"', contextInfo: { expiration: 0 } } },
      key: { id: 'M3', remoteJid: '120363000000000001@g.us', fromMe: true, participant: '5511900000003@s.whatsapp.net' },
      status: 'DELIVERY_ACK',
      source: 'android',
    });
    expect(Number(rows[0].messageTimestamp)).toBe(1_763_700_123);
    expect(rows[1]).toMatchObject({ pushName: null, message: null, participant: null });
  });
});
