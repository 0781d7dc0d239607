import type { AppConfig } from '@gw/config';
import { SecretCipher } from '@gw/crypto';
import { AuthStateRepository, FencedOutError, InstanceFenceRepository, PrismaService } from '@gw/persistence';
import { TestDatabase } from '@gw/testing';
import IORedis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { InstanceLeases } from './instance-lease.service';

/** Leases against the real Redis and Postgres: reclaiming after a crash, and fencing. */
describe('InstanceLeases', () => {
  const db = new TestDatabase();
  const prefix = `gwlease_${randomBytes(4).toString('hex')}`;
  const redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  let prisma: PrismaService;
  let auth: AuthStateRepository;
  const runs: InstanceLeases[] = [];

  /** One process's lease service: `nodeId` is its identity, a new object is a new run of it. */
  function run(nodeId: string): InstanceLeases {
    const config = { cluster: { nodeId, leaseTtlMs: 120_000 }, redis: { prefix } } as AppConfig;
    const leases = new InstanceLeases(config, redis, new InstanceFenceRepository(prisma));
    runs.push(leases);
    return leases;
  }

  async function newInstance(name: string): Promise<string> {
    return (await prisma.instance.create({ data: { name, token: name } })).id;
  }

  const lease = (id: string) => redis.get(`${prefix}:lease:${id}`);
  const rowFence = async (id: string) => Number((await prisma.instance.findUniqueOrThrow({ where: { id } })).ownerFence);

  beforeAll(async () => {
    await db.create();
    prisma = new PrismaService({ database: { url: db.url } } as AppConfig);
    auth = new AuthStateRepository(prisma, SecretCipher.disabled());
  });

  afterAll(async () => {
    for (const r of runs) await r.onApplicationShutdown();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await prisma.$disconnect();
    await db.drop();
  });

  it('a new run of the same node takes its lease back at once, with a higher fence that fences out the old run', async () => {
    const id = await newInstance('crashed');
    const old = run('node-a');
    const oldFence = (await old.acquire(id))!;
    await auth.writeCreds(id, '{"v":1}', oldFence);

    const restarted = run('node-a');
    expect(await restarted.reclaimable([id])).toEqual([id]);
    const fence = (await restarted.acquire(id))!;
    expect(fence).toBeGreaterThan(oldFence);
    expect(await lease(id)).toBe(`node-a|${fence}`);
    expect(await rowFence(id)).toBe(fence);

    // the old run, were it still alive: its writes are refused, and its next renewal gives the instance up
    await expect(auth.writeCreds(id, '{"v":2}', oldFence)).rejects.toBeInstanceOf(FencedOutError);
    await auth.writeCreds(id, '{"v":3}', fence);
    const lost: string[] = [];
    old.onLost((instanceId) => lost.push(instanceId));
    await old['renewAll']();
    expect(lost).toEqual([id]);
    expect(await lease(id)).toBe(`node-a|${fence}`);
  });

  it('one renewal round extends every held lease, retakes vanished ones and gives up only those taken over', async () => {
    const ids = await Promise.all(['r1', 'r2', 'r3', 'r4'].map(newInstance));
    const a = run('node-a');
    const fences = await Promise.all(ids.map((id) => a.acquire(id)));
    await Promise.all(ids.map((id) => redis.pexpire(`${prefix}:lease:${id}`, 5_000)));
    await redis.del(`${prefix}:lease:${ids[1]}`); // Redis lost it: still ours
    await redis.set(`${prefix}:lease:${ids[2]}`, 'node-b|999', 'PX', 60_000); // taken over
    const lost: string[] = [];
    a.onLost((instanceId) => lost.push(instanceId));
    await a['renewAll']();
    expect(lost).toEqual([ids[2]]);
    for (const k of [0, 1, 3]) {
      expect(await lease(ids[k])).toBe(`node-a|${fences[k]}`);
      expect(await redis.pttl(`${prefix}:lease:${ids[k]}`)).toBeGreaterThan(60_000); // the 120 s TTL again
    }
    expect(await lease(ids[2])).toBe('node-b|999');
    expect(a.fenceOf(ids[2])).toBeUndefined();
  });

  it('another node neither sees the lease as free nor can take it while it lives', async () => {
    const id = await newInstance('elsewhere');
    const a = run('node-a');
    const fence = await a.acquire(id);
    const b = run('node-b');
    expect(await b.reclaimable([id])).toEqual([]);
    expect(await b.unowned([id])).toEqual([]);
    expect(await b.acquire(id)).toBeNull();
    expect(await lease(id)).toBe(`node-a|${fence}`);
    expect(await rowFence(id)).toBe(fence);
  });

  it('two callers in one process share one acquisition (the second does not reclaim the first)', async () => {
    const id = await newInstance('concurrent');
    const a = run('node-a');
    const [first, second] = await Promise.all([a.acquire(id), a.acquire(id)]);
    expect(first).toBe(second);
    expect(await lease(id)).toBe(`node-a|${first}`);
    // and a lease this run holds is not "reclaimable" from itself
    expect(await a.reclaimable([id])).toEqual([]);
  });

  it('forget removes the lease and the fence counter of a deleted instance', async () => {
    const id = await newInstance('deleted');
    const a = run('node-a');
    await a.acquire(id);
    expect(await redis.exists(`${prefix}:lease:${id}`, `${prefix}:fence:${id}`)).toBe(2);
    await a.forget(id);
    expect(await redis.exists(`${prefix}:lease:${id}`, `${prefix}:fence:${id}`)).toBe(0);
    expect(a.fenceOf(id)).toBeUndefined();
  });
});
