import type { AppConfig } from '@gw/config';
import { KeyRing, SecretCipher, SecretDecryptError } from '@gw/crypto';
import { AuthStateRepository, FencedOutError, PrismaService } from '@gw/persistence';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { TestDatabase, statementText } from '@gw/testing';
import { loadBaileys } from './baileys.loader';
import { usePostgresAuthState } from './postgres-auth-state';

describe('usePostgresAuthState (real Postgres)', () => {
  const db = new TestDatabase();
  let prisma: PrismaService;
  let store: AuthStateRepository;
  let instanceId: string;
  const logger = pino({ level: 'silent' });

  beforeAll(async () => {
    await db.create();
    prisma = new PrismaService({ database: { url: db.url } } as AppConfig);
    // Encrypted at the repository boundary: the caches above it see plaintext, the rows do not.
    store = new AuthStateRepository(prisma, new SecretCipher(new KeyRing([{ id: 'k1', key: randomBytes(32) }])));
    const row = await prisma.instance.create({ data: { name: 'auth-test', token: 'T' } });
    instanceId = row.id;
  });

  afterAll(async () => {
    await prisma.onApplicationShutdown();
    await db.drop();
  });

  it('persists creds and every kind of signal key, byte for byte, across processes', async () => {
    const baileys = await loadBaileys();
    const first = await usePostgresAuthState(baileys, store, instanceId, logger);
    const creds = first.state.creds;
    creds.me = { id: '5511900000001:1@s.whatsapp.net', name: 'Test' };
    await first.saveCreds();

    const preKey = baileys.Curve.generateKeyPair();
    await first.state.keys.set({
      'pre-key': { '1': preKey, '2': baileys.Curve.generateKeyPair() },
      session: { '5511900000002.0': Buffer.from([1, 2, 3, 250]) },
      'app-state-sync-key': { AAAA: { keyData: Buffer.from('secret-key-data') } as never },
    });
    await first.state.keys.set({ 'pre-key': { '2': null } });
    await first.flush();

    // A new state object reads only from Postgres (no shared cache).
    const second = await usePostgresAuthState(baileys, store, instanceId, logger);
    expect(Buffer.from(second.state.creds.noiseKey.private)).toEqual(Buffer.from(creds.noiseKey.private));
    expect(Buffer.from(second.state.creds.signedIdentityKey.public)).toEqual(Buffer.from(creds.signedIdentityKey.public));
    expect(second.state.creds.me?.id).toBe('5511900000001:1@s.whatsapp.net');
    expect(second.state.creds.registrationId).toBe(creds.registrationId);

    const keys = await second.state.keys.get('pre-key', ['1', '2']);
    expect(Buffer.from(keys['1'].private)).toEqual(Buffer.from(preKey.private));
    expect(keys['2']).toBeUndefined();
    const sessions = await second.state.keys.get('session', ['5511900000002.0']);
    expect(Buffer.from(sessions['5511900000002.0'])).toEqual(Buffer.from([1, 2, 3, 250]));
    const appKeys = await second.state.keys.get('app-state-sync-key', ['AAAA']);
    expect(Buffer.from(appKeys.AAAA.keyData!).toString()).toBe('secret-key-data');

    const rows = await db.query<{ type: string; value: string }>('SELECT type, value FROM "AuthKey" WHERE "instanceId" = $1 ORDER BY type', [instanceId]);
    expect(rows.map((r) => r.type)).toEqual(['app-state-sync-key', 'pre-key', 'session']);
    const [cred] = await db.query<{ creds: string }>('SELECT creds FROM "AuthCred" WHERE "instanceId" = $1', [instanceId]);
    for (const stored of [cred.creds, ...rows.map((r) => r.value)]) expect(stored).toMatch(/^enc:v1:k1:/);
    const dump = JSON.stringify([cred, rows]);
    for (const secret of [creds.noiseKey.private, creds.signedIdentityKey.private, preKey.private]) {
      expect(dump).not.toContain(Buffer.from(secret).toString('base64'));
    }
    expect(dump).not.toContain(creds.advSecretKey);
  });

  it('refuses a value moved onto another row (the row identity is bound to it)', async () => {
    const other = await prisma.instance.create({ data: { name: 'auth-other', token: 'T2' } });
    const [cred] = await db.query<{ creds: string }>('SELECT creds FROM "AuthCred" WHERE "instanceId" = $1', [instanceId]);
    await db.query('INSERT INTO "AuthCred" ("instanceId", creds, "updatedAt") VALUES ($1, $2, now())', [other.id, cred.creds]);
    await expect(store.readCreds(other.id)).rejects.toThrow(SecretDecryptError);
    await expect(store.readCreds(other.id)).rejects.toThrow(/belongs to another row/);
    // and a signal key moved to another key id of the same instance
    const [key] = await db.query<{ value: string }>('SELECT value FROM "AuthKey" WHERE "instanceId" = $1 AND type = $2', [instanceId, 'pre-key']);
    await db.query('INSERT INTO "AuthKey" ("instanceId", type, "keyId", value, "updatedAt") VALUES ($1, $2, $3, $4, now())', [instanceId, 'pre-key', '99', key.value]);
    await expect(store.readKeys(instanceId, 'pre-key', ['99'])).rejects.toThrow(SecretDecryptError);
    await prisma.instance.delete({ where: { id: other.id } });
    await db.query('DELETE FROM "AuthKey" WHERE "instanceId" = $1 AND "keyId" = $2', [instanceId, '99']);
  });

  it('refuses writes from a fenced-out owner (a newer lease exists)', async () => {
    await prisma.instance.update({ where: { id: instanceId }, data: { ownerFence: 7 } });
    await store.writeCreds(instanceId, '{"ok":1}', 7);
    await store.writeKeys(instanceId, [{ type: 'session', id: 'x', value: '"v"' }], 7);
    // another node took over with fence 8: the old owner's writes must not land
    await prisma.instance.update({ where: { id: instanceId }, data: { ownerFence: 8 } });
    await expect(store.writeCreds(instanceId, '{"stale":1}', 7)).rejects.toThrow(FencedOutError);
    await expect(store.writeKeys(instanceId, [{ type: 'session', id: 'x', value: '"stale"' }], 7)).rejects.toThrow(FencedOutError);
    expect(await store.readCreds(instanceId)).toBe('{"ok":1}');
    expect((await store.readKeys(instanceId, 'session', ['x'])).get('x')).toBe('"v"');
    await store.writeCreds(instanceId, '{"new":1}', 8);
    expect(await store.readCreds(instanceId)).toBe('{"new":1}');
  });

  it('writes the keys of several instances in one statement, each fenced on its own', async () => {
    const other = (await prisma.instance.create({ data: { name: 'auth-test-2', token: 'T2', ownerFence: 3 } })).id;
    await prisma.instance.update({ where: { id: instanceId }, data: { ownerFence: 8 } });
    const spy = jest.spyOn(prisma.pool, 'query');
    try {
      // Submitted in the same tick: one statement; the stale owner's writes fail alone.
      const stale = store.writeKeys(instanceId, [{ type: 'session', id: 'shared', value: '"stale"' }], 7);
      const owned = store.writeKeys(other, [{ type: 'session', id: 'shared', value: '"mine"' }, { type: 'pre-key', id: '1', value: null }], 3);
      const unfenced = store.writeKeys(other, [{ type: 'session', id: 'later', value: '"next"' }]);
      await expect(stale).rejects.toThrow(FencedOutError);
      await owned;
      await unfenced;
      // the first two shared a statement; the second write of `other` waited for its first (order kept)
      expect(spy.mock.calls.filter(([q]) => statementText(q).startsWith('WITH req'))).toHaveLength(2);
    } finally {
      spy.mockRestore();
    }
    expect((await store.readKeys(instanceId, 'session', ['shared'])).get('shared')).toBeUndefined();
    expect((await store.readKeys(other, 'session', ['shared', 'later'])).get('shared')).toBe('"mine"');
    expect((await store.readKeys(other, 'session', ['later'])).get('later')).toBe('"next"');
  });

  it('writes sessions behind (readable at once, in Postgres by flush), group-committed in order', async () => {
    const baileys = await loadBaileys();
    const auth = await usePostgresAuthState(baileys, store, instanceId, logger);
    const queries: string[] = [];
    const spy = jest.spyOn(prisma.pool, 'query').mockImplementation(function (this: unknown, ...args: unknown[]) {
      queries.push(statementText(args[0]).slice(0, 40));
      return (jest.requireActual('pg').Pool.prototype.query as (...a: unknown[]) => unknown).apply(prisma.pool, args);
    } as never);
    try {
      // One ratchet step per decrypted message: set() must not wait for the commit of the previous ones.
      for (let i = 0; i < 20; i++) await auth.state.keys.set({ session: { 'peer.0': Buffer.from([i]) } });
      const seen = await auth.state.keys.get('session', ['peer.0']);
      expect(Buffer.from(seen['peer.0'])).toEqual(Buffer.from([19]));
      await auth.flush();
    } finally {
      spy.mockRestore();
    }
    const writes = queries.filter((q) => q.startsWith('WITH req'));
    expect(writes.length).toBeGreaterThanOrEqual(1);
    expect(writes.length).toBeLessThan(20); // writes queued meanwhile shared a statement
    expect((await store.readKeys(instanceId, 'session', ['peer.0'])).get('peer.0')).toBe(JSON.stringify(Buffer.from([19]), baileys.BufferJSON.replacer));
    // A miss is remembered: asking again does not query Postgres.
    const fresh = await usePostgresAuthState(baileys, store, instanceId, logger);
    const readSpy = jest.spyOn(store, 'readKeys');
    expect(await fresh.state.keys.get('lid-mapping', ['nobody'])).toEqual({});
    expect(await fresh.state.keys.get('lid-mapping', ['nobody'])).toEqual({});
    expect(readSpy).toHaveBeenCalledTimes(1);
    readSpy.mockRestore();
  });

  it('clear() removes creds and keys', async () => {
    await store.clear(instanceId);
    expect(await store.countRows(instanceId)).toBe(0);
  });
});
