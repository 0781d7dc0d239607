import type { AppConfig } from '@gw/config';
import { KeyRing, SecretCipher, SecretDecryptError } from '@gw/crypto';
import { TestDatabase, statementText } from '@gw/testing';
import { randomBytes } from 'node:crypto';
import { InstanceFenceRepository } from '../instances/instance-fence.repository';
import { PrismaService } from '../prisma.service';
import { AuthStateRepository, FencedOutError } from './auth-state.repository';

/** Reads and creds writes of several instances share statements (a restore logs a thousand in). */
describe('AuthStateRepository batching (real Postgres)', () => {
  const db = new TestDatabase();
  let prisma: PrismaService;
  let store: AuthStateRepository;
  const ids: string[] = [];

  const statements = (spy: jest.SpyInstance, start: string) => spy.mock.calls.filter(([q]) => statementText(q).trim().startsWith(start)).length;

  beforeAll(async () => {
    await db.create();
    prisma = new PrismaService({ database: { url: db.url } } as AppConfig);
    store = new AuthStateRepository(prisma, new SecretCipher(new KeyRing([{ id: 'k1', key: randomBytes(32) }])));
    for (let i = 0; i < 4; i++) ids.push((await prisma.instance.create({ data: { name: `batch-${i}`, token: `T${i}`, ownerFence: 5 } })).id);
  });

  afterAll(async () => {
    await prisma.onApplicationShutdown();
    await db.drop();
  });

  it('reads the creds and keys of several instances in one statement each, every caller getting its own rows', async () => {
    await Promise.all(ids.map((id, i) => store.writeCreds(id, `{"n":${i}}`, 5)));
    await Promise.all(ids.map((id, i) => store.writeKeys(id, [{ type: 'session', id: 'a', value: `"s${i}"` }, { type: 'pre-key', id: '1', value: `"p${i}"` }])));
    const spy = jest.spyOn(prisma.pool, 'query');
    try {
      const creds = await Promise.all([...ids.map((id) => store.readCreds(id)), store.readCreds('00000000-0000-4000-8000-000000000000')]);
      expect(creds).toEqual(['{"n":0}', '{"n":1}', '{"n":2}', '{"n":3}', null]);
      const keys = await Promise.all(ids.map((id) => store.readKeys(id, 'session', ['a', 'missing'])));
      expect(keys.map((k) => [...k])).toEqual(ids.map((_, i) => [['a', `"s${i}"`]]));
      const preKeys = await Promise.all(ids.map((id) => store.readKeys(id, 'pre-key', ['1'])));
      expect(preKeys.map((k) => k.get('1'))).toEqual(['"p0"', '"p1"', '"p2"', '"p3"']);
      expect(statements(spy, 'SELECT "instanceId"::text AS iid, "creds"')).toBe(1);
      expect(statements(spy, 'SELECT k."instanceId"')).toBe(2);
    } finally {
      spy.mockRestore();
    }
  });

  it('stores key values byte for byte when several instances share a statement: quotes, backslashes, multi-byte text, empty values', async () => {
    // Without a key the values are stored as given, so the rows show exactly what the statement cut out of its binary parameter.
    const plain = new AuthStateRepository(prisma, new SecretCipher(new KeyRing([])));
    const values = [
      '{"x":"a \\"quoted\\" \\\\ back\\\\slash"}',
      'Ação 😀 ключ {"nested":[1,"two"]}',
      '',
      'x'.repeat(5000) + 'é',
    ];
    const spy = jest.spyOn(prisma.pool, 'query');
    try {
      await Promise.all(
        ids.map((id, i) =>
          plain.writeKeys(id, [
            { type: 'session', id: `bin.${i}`, value: values[i] },
            { type: 'sender-key', id: `bin.${i}`, value: values[(i + 1) % values.length] },
          ]),
        ),
      );
      expect(statements(spy, 'WITH req AS')).toBe(1);
    } finally {
      spy.mockRestore();
    }
    for (const [i, id] of ids.entries()) {
      const rows = await db.query<{ type: string; value: string }>('SELECT type, value FROM "AuthKey" WHERE "instanceId" = $1 AND "keyId" = $2 ORDER BY type', [id, `bin.${i}`]);
      expect(rows).toEqual([
        { type: 'sender-key', value: values[(i + 1) % values.length] },
        { type: 'session', value: values[i] },
      ]);
    }
    // with a delete in the same write (the other statement), and a key written twice: the last value wins
    await plain.writeKeys(ids[1], [
      { type: 'session', id: 'bin.1', value: null },
      { type: 'sender-key', id: 'bin.1', value: '"first"' },
      { type: 'sender-key', id: 'bin.1', value: '"ü last"' },
    ]);
    expect((await plain.readKeys(ids[1], 'session', ['bin.1'])).size).toBe(0);
    expect((await plain.readKeys(ids[1], 'sender-key', ['bin.1'])).get('bin.1')).toBe('"ü last"');
  });

  it('a value that does not decrypt fails only its own reader in a shared statement', async () => {
    // ids[1]'s creds and key moved onto ids[0]'s rows: bound to another row, they must not decrypt
    const [cred] = await db.query<{ creds: string }>('SELECT creds FROM "AuthCred" WHERE "instanceId" = $1', [ids[1]]);
    const [key] = await db.query<{ value: string }>('SELECT value FROM "AuthKey" WHERE "instanceId" = $1 AND "keyId" = $2', [ids[1], 'a']);
    await db.query('UPDATE "AuthCred" SET creds = $2 WHERE "instanceId" = $1', [ids[0], cred.creds]);
    await db.query('UPDATE "AuthKey" SET value = $2 WHERE "instanceId" = $1 AND "keyId" = $3', [ids[0], key.value, 'a']);
    const [bad, good, badKey, goodKey] = await Promise.allSettled([
      store.readCreds(ids[0]),
      store.readCreds(ids[2]),
      store.readKeys(ids[0], 'session', ['a']),
      store.readKeys(ids[2], 'session', ['a']),
    ]);
    expect(bad.status === 'rejected' && bad.reason).toBeInstanceOf(SecretDecryptError);
    expect(good.status === 'fulfilled' && good.value).toBe('{"n":2}');
    expect(badKey.status === 'rejected' && badKey.reason).toBeInstanceOf(SecretDecryptError);
    expect(goodKey.status === 'fulfilled' && goodKey.value.get('a')).toBe('"s2"');
    await store.writeCreds(ids[0], '{"n":0}', 5);
  });

  it('writes the creds of several instances in one statement; a fenced-out or deleted one fails alone', async () => {
    const gone = (await prisma.instance.create({ data: { name: 'batch-gone', token: 'G' } })).id;
    await prisma.instance.delete({ where: { id: gone } });
    await prisma.instance.update({ where: { id: ids[3] }, data: { ownerFence: 6 } }); // another node took ids[3]
    const spy = jest.spyOn(prisma.pool, 'query');
    try {
      const results = await Promise.allSettled([
        store.writeCreds(ids[0], '{"w":0}', 5),
        store.writeCreds(ids[1], '{"w":1}', 5),
        store.writeCreds(ids[2], '{"w":2}'), // unfenced (no lease involved)
        store.writeCreds(ids[3], '{"stale":3}', 5),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
      expect((results[3] as PromiseRejectedResult).reason).toBeInstanceOf(FencedOutError);
      expect(statements(spy, 'INSERT INTO "AuthCred"')).toBe(1);
      // a row of a deleted instance cannot be written; the others in its statement still are
      const [alone, deleted] = await Promise.allSettled([store.writeCreds(ids[0], '{"w":10}'), store.writeCreds(gone, '{"w":"gone"}')]);
      expect(alone.status).toBe('fulfilled');
      expect(deleted.status).toBe('rejected');
    } finally {
      spy.mockRestore();
    }
    expect(await Promise.all(ids.map((id) => store.readCreds(id)))).toEqual(['{"w":10}', '{"w":1}', '{"w":2}', '{"n":3}']);
  });

  it("one instance's creds writes land in call order, never in one statement together", async () => {
    const writes = Array.from({ length: 5 }, (_, k) => store.writeCreds(ids[2], `{"v":${k}}`, 5));
    await Promise.all(writes);
    expect(await store.readCreds(ids[2])).toBe('{"v":4}');
  });
  /** Watches this database's backends until `n` of them wait for a lock (or stop() is called). */
  const lockWaits = (n: number) => {
    let stopped = false;
    const reached = (async () => {
      while (!stopped) {
        const [{ c }] = await db.query<{ c: string }>(
          `SELECT count(*) AS c FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (Number(c) >= n) return true;
        await new Promise((r) => setTimeout(r, 5));
      }
      return false;
    })();
    return { reached, stop: () => (stopped = true) };
  };

  it("a key write does not wait for an open transaction that moved the instance's event sequence (as the outbox INSERT does)", async () => {
    const holder = await prisma.pool.connect();
    const waits = lockWaits(1);
    try {
      await holder.query('BEGIN');
      await holder.query('UPDATE "Instance" SET "eventSequence" = "eventSequence" + 1 WHERE "id" = $1', [ids[1]]);
      const outcome = await Promise.race([
        store.writeKeys(ids[1], [{ type: 'session', id: 'seq', value: '"x"' }], 5).then(() => 'written'),
        waits.reached.then(() => 'waited for the sequence update'),
      ]);
      expect(outcome).toBe('written');
    } finally {
      waits.stop();
      await holder.query('ROLLBACK');
      holder.release();
    }
  });

  it("a takeover waits for the former owner's key write in flight; the former owner's next write is fenced out", async () => {
    const fences = new InstanceFenceRepository(prisma);
    const { id } = await prisma.instance.create({ data: { name: 'fence-takeover', token: 'TF', ownerFence: 5 } });
    await store.writeKeys(id, [{ type: 'session', id: 'k', value: '"v0"' }], 5);
    // Holds the key's row: the write below passes its owner check, then waits here, mid-statement.
    const holder = await prisma.pool.connect();
    await holder.query('BEGIN');
    await holder.query(`SELECT 1 FROM "AuthKey" WHERE "instanceId" = $1 AND "type" = 'session' AND "keyId" = 'k' FOR UPDATE`, [id]);
    const order: string[] = [];
    const write = store.writeKeys(id, [{ type: 'session', id: 'k', value: '"v1"' }], 5).then(() => order.push('write'));
    const writeWaits = lockWaits(1);
    expect(await writeWaits.reached).toBe(true);
    const raise = fences.raise(id, 6).then(() => order.push('raise'));
    const raiseWaits = lockWaits(2);
    const outcome = await Promise.race([raiseWaits.reached.then(() => 'raise waits'), raise.then(() => 'raise went ahead')]);
    raiseWaits.stop();
    await holder.query('COMMIT');
    holder.release();
    await Promise.all([write, raise]);
    expect(outcome).toBe('raise waits');
    expect(order).toEqual(['write', 'raise']);
    expect((await store.readKeys(id, 'session', ['k'])).get('k')).toBe('"v1"');
    await expect(store.writeKeys(id, [{ type: 'session', id: 'k', value: '"v2"' }], 5)).rejects.toBeInstanceOf(FencedOutError);
    expect((await store.readKeys(id, 'session', ['k'])).get('k')).toBe('"v1"');
  });
});
