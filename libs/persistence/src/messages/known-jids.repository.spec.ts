import type { AppConfig } from '@gw/config';
import { TestDatabase } from '@gw/testing';
import { PrismaService } from '../prisma.service';
import { KnownJidsRepository } from './known-jids.repository';

/** The seeds of runtimes started together (a restore) share statements; each gets its own rows. */
describe('KnownJidsRepository.seed, batched across instances (real Postgres)', () => {
  const db = new TestDatabase();
  let prisma: PrismaService;
  let repo: KnownJidsRepository;
  const ids: string[] = [];

  beforeAll(async () => {
    await db.create();
    prisma = new PrismaService({ database: { url: db.url } } as AppConfig);
    repo = new KnownJidsRepository(prisma);
    for (let i = 0; i < 3; i++) ids.push((await prisma.instance.create({ data: { name: `seed-${i}`, token: `T${i}` } })).id);
    // instance 0: three contacts (one with LID and phone JID) and a group; instance 1: one chat; instance 2: nothing
    await prisma.contact.createMany({
      data: [
        { instanceId: ids[0], remoteJid: 'a@s.whatsapp.net', lid: 'a@lid', phoneNumber: 'a@s.whatsapp.net' },
        { instanceId: ids[0], remoteJid: 'b@s.whatsapp.net' },
        { instanceId: ids[0], remoteJid: 'c@s.whatsapp.net' },
        { instanceId: ids[0], remoteJid: 'g@g.us', kind: 'group' },
        { instanceId: ids[1], remoteJid: 'z@s.whatsapp.net' },
      ],
    });
    await prisma.chat.createMany({ data: [{ instanceId: ids[1], remoteJid: 'z@s.whatsapp.net' }] });
  });

  afterAll(async () => {
    await prisma.onApplicationShutdown();
    await db.drop();
  });

  it('seeds several instances with two statements in all, each with its own contacts, chats and completeness', async () => {
    const at = await repo.now();
    const spy = jest.spyOn(prisma.pool, 'query');
    try {
      const [s0, s1, s2, capped] = await Promise.all([
        repo.seed(ids[0], 10, at),
        repo.seed(ids[1], 10, at),
        repo.seed(ids[2], 10, at),
        repo.seed(ids[0].toUpperCase(), 2, at),
      ]);
      expect(spy).toHaveBeenCalledTimes(2);
      expect(s0.contacts.sort()).toEqual(['a@lid', 'a@s.whatsapp.net', 'a@s.whatsapp.net', 'b@s.whatsapp.net', 'c@s.whatsapp.net']);
      expect([s0.chats, s0.contactsComplete, s0.chatsComplete]).toEqual([[], true, true]);
      expect([s1.contacts, s1.chats]).toEqual([['z@s.whatsapp.net'], ['z@s.whatsapp.net']]);
      expect([s2.contacts, s2.chats, s2.contactsComplete]).toEqual([[], [], true]);
      // its own limit: only the two newest contacts, so not complete
      expect([capped.contactsComplete, capped.chatsComplete]).toEqual([false, true]);
    } finally {
      spy.mockRestore();
    }
  });

  it('a seed holds only rows created before its time, however late it is read; clock reads made together share a statement', async () => {
    const spy = jest.spyOn(prisma.pool, 'query');
    const [at, same] = await Promise.all([repo.now(), repo.now()]);
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    expect(same).toBe(at);
    // rows are stamped at millisecond precision: the next one must fall after `at`
    await new Promise((r) => setTimeout(r, 5));
    await prisma.contact.create({ data: { instanceId: ids[2], remoteJid: 'new@s.whatsapp.net' } });
    expect((await repo.seed(ids[2], 10, at)).contacts).toEqual([]);
    expect(await repo.existing(ids[2], 'contacts', ['new@s.whatsapp.net'], at)).toEqual([]);
    expect((await repo.seed(ids[2], 10, await repo.now())).contacts).toEqual(['new@s.whatsapp.net']);
  });
});
