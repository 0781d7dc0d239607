import type { AppConfig } from '@gw/config';
import { KeyRing, SecretCipher, TokenHasher } from '@gw/crypto';
import { TestDatabase } from '@gw/testing';
import { randomBytes } from 'node:crypto';
import { PrismaService } from '../prisma.service';
import { ProxyRepository } from '../proxy/proxy.repository';
import { SecretColumns } from '../secrets/secret-columns.service';
import { InstanceFenceRepository } from './instance-fence.repository';
import { InstanceRepository } from './instance.repository';
import { SettingsRepository } from './settings.repository';

/**
 * What every restored login costs in statements (fence, connection state, settings, proxy):
 * the calls of several instances share one statement, and each instance still gets its own answer.
 */
describe('per-instance boot statements, batched across instances (real Postgres)', () => {
  const db = new TestDatabase();
  let prisma: PrismaService;
  let instances: InstanceRepository;
  const ids: string[] = [];
  let spy: jest.SpyInstance;
  const statements = (start: string) => spy.mock.calls.filter(([q]) => String(q).trim().startsWith(start)).length;

  beforeAll(async () => {
    await db.create();
    prisma = new PrismaService({ database: { url: db.url } } as AppConfig);
    const ring = new KeyRing([{ id: 'k1', key: randomBytes(32) }]);
    instances = new InstanceRepository(prisma, new SecretColumns(new SecretCipher(ring), new TokenHasher(ring)));
    for (let i = 0; i < 3; i++) ids.push((await prisma.instance.create({ data: { name: `boot-${i}`, token: `T${i}` } })).id);
  });

  beforeEach(() => (spy = jest.spyOn(prisma.pool, 'query')));
  afterEach(() => spy.mockRestore());

  afterAll(async () => {
    await prisma.onApplicationShutdown();
    await db.drop();
  });

  it('connection updates of several instances share a statement; each writes only its own fields, in order per instance', async () => {
    await prisma.instance.update({ where: { id: ids[1] }, data: { ownerJid: 'kept@s.whatsapp.net', disconnectionReasonCode: 408 } });
    const before = await prisma.instance.findUniqueOrThrow({ where: { id: ids[0] } });
    const at = new Date('2026-12-03T08:00:00.123Z');
    await Promise.all([
      instances.updateConnection(ids[0], { connectionStatus: 'connecting' }),
      instances.updateConnection(ids[1], { connectionStatus: 'connecting', disconnectionAt: at, disconnectionObject: '{"x":1}' }),
      instances.updateConnection(ids[2], { connectionStatus: 'connecting' }),
      // the same instance again: after its first update, never in one statement with it
      instances.updateConnection(ids[0], { connectionStatus: 'open', ownerJid: '5511@s.whatsapp.net', number: '5511', profileName: null, disconnectionReasonCode: null }),
      instances.updateConnection('00000000-0000-4000-8000-000000000000', { connectionStatus: 'open' }), // deleted: nothing, no error
    ]);
    expect(statements('UPDATE "Instance" i SET')).toBe(2);
    const rows = await prisma.instance.findMany({ where: { id: { in: ids } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(ids[0])).toMatchObject({ connectionStatus: 'open', ownerJid: '5511@s.whatsapp.net', number: '5511', profileName: null, disconnectionReasonCode: null });
    expect(byId.get(ids[0])!.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
    // ids[1]: its own columns set, the others left as they were; the time reads back as Prisma wrote it
    expect(byId.get(ids[1])).toMatchObject({ connectionStatus: 'connecting', ownerJid: 'kept@s.whatsapp.net', disconnectionReasonCode: 408, disconnectionObject: '{"x":1}' });
    expect(byId.get(ids[1])!.disconnectionAt!.toISOString()).toBe(at.toISOString());
    expect(byId.get(ids[2])).toMatchObject({ connectionStatus: 'connecting', ownerJid: null });
  });

  it('fences of several instances are raised in one statement, and never lowered', async () => {
    const fences = new InstanceFenceRepository(prisma);
    await prisma.instance.update({ where: { id: ids[2] }, data: { ownerFence: 9 } });
    await Promise.all([fences.raise(ids[0], 3), fences.raise(ids[1], 4), fences.raise(ids[2], 5)]);
    expect(statements('UPDATE "Instance" i SET "ownerFence"')).toBe(1);
    const rows = await prisma.instance.findMany({ where: { id: { in: ids } }, orderBy: { name: 'asc' } });
    expect(rows.map((r) => Number(r.ownerFence))).toEqual([3, 4, 9]);
  });

  it('settings and active proxies of several instances are read in one statement each', async () => {
    const settings = new SettingsRepository(prisma);
    await settings.upsert(ids[0], { rejectCall: true, msgCall: 'busy', groupsIgnore: false, alwaysOnline: true, readMessages: false, readStatus: false, syncFullHistory: true, wavoipToken: '' });
    const proxies = new ProxyRepository(prisma, new SecretColumns(new SecretCipher(new KeyRing([{ id: 'k1', key: randomBytes(32) }])), new TokenHasher(new KeyRing([]))));
    await proxies.save(ids[0], { enabled: true, host: 'proxy.local', port: 3128, protocol: 'http', username: 'u', password: 'secret' });
    await proxies.save(ids[1], { enabled: false, host: 'off.local', port: 1, protocol: 'http', username: null, password: null });
    spy.mockClear();
    const [found, proxied] = await Promise.all([
      Promise.all(ids.map((id) => settings.find(id))),
      Promise.all(ids.map((id) => proxies.findActive(id))),
    ]);
    expect(found[0]).toEqual({ rejectCall: true, msgCall: 'busy', groupsIgnore: false, alwaysOnline: true, readMessages: false, readStatus: false, syncFullHistory: true, wavoipToken: '' });
    expect(found.slice(1)).toEqual([null, null]);
    expect(proxied).toEqual([{ host: 'proxy.local', port: 3128, protocol: 'http', username: 'u', password: 'secret' }, null, null]);
    expect(statements('SELECT "instanceId"::text AS iid, "rejectCall"')).toBe(1);
    expect(statements('SELECT "instanceId"::text AS iid, "enabled"')).toBe(1);
  });

  it('settings read for several instances by separate findMany calls share one statement, each call getting its own rows', async () => {
    const settings = new SettingsRepository(prisma);
    await settings.upsert(ids[0], { rejectCall: true, msgCall: 'busy', groupsIgnore: false, alwaysOnline: true, readMessages: false, readStatus: false, syncFullHistory: true, wavoipToken: '' });
    await settings.upsert(ids[2], { rejectCall: false, msgCall: 'two', groupsIgnore: true, alwaysOnline: false, readMessages: true, readStatus: false, syncFullHistory: false, wavoipToken: '' });
    spy.mockClear();
    const [first, rest] = await Promise.all([settings.findMany([ids[0]]), settings.findMany([ids[1], ids[2]])]);
    expect(statements('SELECT "instanceId"::text AS iid, "rejectCall"')).toBe(1);
    expect([...first.keys()]).toEqual([ids[0]]);
    expect(first.get(ids[0])?.msgCall).toBe('busy');
    expect([...rest.keys()]).toEqual([ids[2]]); // no row for ids[1]: left out
    expect(rest.get(ids[2])).toMatchObject({ msgCall: 'two', groupsIgnore: true, readMessages: true });
  });

  it('instances looked up by id together (the webhook router at each first event) share one query, each with its own webhooks', async () => {
    await prisma.webhook.create({ data: { instanceId: ids[1], url: 'http://hook.local/1', enabled: true, events: [], primaryFor: ids[1] } });
    const findMany = jest.spyOn(prisma.instance, 'findMany');
    try {
      const found = await Promise.all([...ids, '00000000-0000-4000-8000-000000000000'].map((id) => instances.findById(id)));
      expect(found.map((f) => f?.name ?? null)).toEqual(['boot-0', 'boot-1', 'boot-2', null]);
      expect(found[1]!.webhook?.url).toBe('http://hook.local/1');
      expect(found[0]!.webhooks).toEqual([]);
      expect(findMany).toHaveBeenCalledTimes(1);
    } finally {
      findMany.mockRestore();
    }
  });
});
