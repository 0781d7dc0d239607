import type { AppConfig } from '@gw/config';
import { PrismaService, SettingsRepository } from '@gw/persistence';
import { TestDatabase } from '@gw/testing';
import { DEFAULT_SETTINGS, InstanceSettingsStore, SETTINGS_KEEP_WARM_MS, SETTINGS_REFRESH_AHEAD_MS, SETTINGS_TTL_MS } from './instance-settings.store';

/** The settings cache against a real Postgres: one query per period for every busy instance of the node. */
describe('InstanceSettingsStore', () => {
  const db = new TestDatabase();
  let prisma: PrismaService;
  let repository: SettingsRepository;
  let ids: string[];

  beforeAll(async () => {
    await db.create();
    prisma = new PrismaService({ database: { url: db.url } } as AppConfig);
    repository = new SettingsRepository(prisma);
    ids = [];
    for (const name of ['s-a', 's-b', 's-c', 's-none']) ids.push((await prisma.instance.create({ data: { name, token: name } })).id);
    for (const id of ids.slice(0, 3)) await repository.upsert(id, { ...DEFAULT_SETTINGS, msgCall: `hello ${id}` });
  });

  afterAll(async () => {
    await prisma.onApplicationShutdown();
    await db.drop();
  });

  const store = () => {
    const s = new InstanceSettingsStore(repository);
    s.onModuleDestroy(); // no timer: the tests run its rounds (refreshDue) themselves
    let t = 10 * SETTINGS_TTL_MS; // the start of a period
    s.now = () => t;
    return { s, advance: (ms: number) => (t += ms), queries: jest.spyOn(repository, 'findMany') };
  };

  it('after a period ends, the first read reloads every cached instance in one query, and the others read no more', async () => {
    const { s, advance, queries } = store();
    const [a, b, c, none] = ids;
    // first sight: each instance read once (reads in the same period share nothing yet)
    for (const id of [a, b, c, none]) await s.find(id);
    expect(queries).toHaveBeenCalledTimes(4);
    expect((await s.find(none)) ?? 'none').toBe('none');

    await prisma.setting.update({ where: { instanceId: b }, data: { msgCall: 'changed behind the cache' } });
    advance(SETTINGS_TTL_MS - 1);
    expect((await s.find(b))?.msgCall).toBe(`hello ${b}`); // still the period it was read in
    advance(1);
    queries.mockClear();
    expect((await s.find(a))?.msgCall).toBe(`hello ${a}`);
    expect(queries).toHaveBeenCalledTimes(1);
    expect(new Set(queries.mock.calls[0][0])).toEqual(new Set([a, b, c, none]));
    expect((await s.find(b))?.msgCall).toBe('changed behind the cache'); // never older than one period
    expect((await s.find(c))?.msgCall).toBe(`hello ${c}`);
    expect(await s.find(none)).toBeNull();
    expect(queries).toHaveBeenCalledTimes(1);
    queries.mockRestore();
  });

  it('concurrent reads of an expired period share the query; a save made meanwhile is not overwritten by it', async () => {
    const { s, advance, queries } = store();
    const [a, b] = ids;
    await s.find(a);
    await s.find(b);
    advance(SETTINGS_TTL_MS);
    queries.mockClear();
    const reads = [s.find(a), s.find(b), s.find(a)];
    const saved = s.save(b, { ...DEFAULT_SETTINGS, groupsIgnore: true });
    await Promise.all([...reads, saved]);
    expect(queries).toHaveBeenCalledTimes(1);
    expect((await s.find(b))?.groupsIgnore).toBe(true);
    expect(queries).toHaveBeenCalledTimes(1);
    queries.mockRestore();
    await repository.upsert(b, { ...DEFAULT_SETTINGS, msgCall: `hello ${b}` });
  });

  it('warm(): instances starting together are read in one query, and their first reads are cache hits', async () => {
    const { s, advance, queries } = store();
    const [a, b, c, none] = ids;
    await s.find(a); // cached already: not read again
    queries.mockClear();
    await s.warm([a, b, c, none]);
    expect(queries).toHaveBeenCalledTimes(1);
    expect(new Set(queries.mock.calls[0][0])).toEqual(new Set([b, c, none]));
    expect((await s.find(b))?.msgCall).toBe(`hello ${b}`);
    expect((await s.find(c))?.msgCall).toBe(`hello ${c}`);
    expect(await s.find(none)).toBeNull();
    await s.warm([b, c]);
    expect(queries).toHaveBeenCalledTimes(1);
    // the period still ends for warmed entries like for any other
    advance(SETTINGS_TTL_MS);
    await s.find(b);
    expect(queries).toHaveBeenCalledTimes(2);
    expect(new Set(queries.mock.calls[1][0])).toEqual(new Set([a, b, c, none]));
    queries.mockRestore();
  });

  it('in the last second of a period the instances read lately are read ahead in one query: no read waits at the boundary', async () => {
    const { s, advance, queries } = store();
    const [a, b] = ids;
    await s.warm([a, b]);
    advance(SETTINGS_TTL_MS - SETTINGS_REFRESH_AHEAD_MS - 1);
    await s.find(a);
    await s.find(b);
    queries.mockClear();
    await s.refreshDue(); // not the last second yet
    expect(queries).not.toHaveBeenCalled();

    await prisma.setting.update({ where: { instanceId: b }, data: { msgCall: 'changed before the read-ahead' } });
    advance(1);
    await s.refreshDue();
    expect(queries).toHaveBeenCalledTimes(1);
    expect(new Set(queries.mock.calls[0][0])).toEqual(new Set([a, b]));
    advance(SETTINGS_REFRESH_AHEAD_MS); // the next period
    expect((await s.find(a))?.msgCall).toBe(`hello ${a}`);
    expect((await s.find(b))?.msgCall).toBe('changed before the read-ahead');
    expect(queries).toHaveBeenCalledTimes(1);

    // A failed read-ahead leaves the boundary to the first read, as without it.
    advance(SETTINGS_TTL_MS - SETTINGS_REFRESH_AHEAD_MS);
    queries.mockRejectedValueOnce(new Error('database away'));
    await s.refreshDue();
    expect(queries).toHaveBeenCalledTimes(2);
    advance(SETTINGS_REFRESH_AHEAD_MS);
    expect((await s.find(a))?.msgCall).toBe(`hello ${a}`);
    expect(queries).toHaveBeenCalledTimes(3);

    // Not read for a minute: dropped once expired, not read ahead again.
    advance(SETTINGS_KEEP_WARM_MS + SETTINGS_TTL_MS);
    await s.refreshDue();
    expect(queries).toHaveBeenCalledTimes(3);
    await s.find(a);
    expect(queries).toHaveBeenCalledTimes(4);
    expect(queries.mock.calls[3][0]).toEqual([a]);
    queries.mockRestore();
    await repository.upsert(b, { ...DEFAULT_SETTINGS, msgCall: `hello ${b}` });
  });

  it('effective(): the defaults when the read fails', async () => {
    const { s, queries } = store();
    queries.mockRejectedValueOnce(new Error('database away'));
    expect(await s.effective(ids[0])).toEqual(DEFAULT_SETTINGS);
    expect((await s.effective(ids[0])).msgCall).toBe(`hello ${ids[0]}`);
    queries.mockRestore();
  });
});
