import type { AppConfig } from '@gw/config';
import IORedis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { IDEMPOTENCY_WINDOW_S, IdempotencyStore } from './idempotency.store';

/** Against the real Redis of the test machine, on a prefix of its own. */
describe('IdempotencyStore (Redis)', () => {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `gwtest_idem_${randomBytes(4).toString('hex')}`;
  const config = { redis: { url, prefix } } as AppConfig;
  const redis = new IORedis(url);

  class SmallStore extends IdempotencyStore {
    protected override readonly maxKeys = 3;
  }
  const store = new IdempotencyStore(config);
  const small = new SmallStore(config);

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    store.onModuleDestroy();
    small.onModuleDestroy();
    redis.disconnect();
  });

  it('first claim is fresh; a duplicate waits for the first to finish and gets its response', async () => {
    const first = await store.claim('inst', 'k1', 'fp');
    expect(first.kind).toBe('fresh');
    let settled = false;
    const second = store.claim('inst', 'k1', 'fp').finally(() => (settled = true));
    await store.claim('inst', 'other', 'fp'); // a round trip: the duplicate has polled at least once by now
    expect(settled).toBe(false);
    await store.complete('inst', 'k1', 'fp', 201, { key: { id: 'ABC' } });
    await expect(second).resolves.toEqual({ kind: 'replay', status: 201, body: { key: { id: 'ABC' } } });
    expect(await redis.ttl(`${prefix}:idem-index:inst`)).toBeGreaterThan(IDEMPOTENCY_WINDOW_S - 60);
  });

  it('another body is a mismatch, running or done; keys are per instance', async () => {
    await store.claim('inst', 'k2', 'fp-a');
    await expect(store.claim('inst', 'k2', 'fp-b')).resolves.toEqual({ kind: 'mismatch' });
    await expect(store.claim('other-inst', 'k2', 'fp-b')).resolves.toMatchObject({ kind: 'fresh' });
  });

  it('a released claim (the send failed) can be claimed again; a stale token releases nothing', async () => {
    const a = await store.claim('inst', 'k3', 'fp');
    if (a.kind !== 'fresh') throw new Error('expected a fresh claim');
    await store.release('inst', 'k3', 'not-the-token');
    await expect(store.claim('inst', 'k3', 'fp-other')).resolves.toEqual({ kind: 'mismatch' });
    await store.release('inst', 'k3', a.token);
    await expect(store.claim('inst', 'k3', 'fp-other')).resolves.toMatchObject({ kind: 'fresh' });
  });

  it('keeps at most maxKeys answered keys per instance, evicting the oldest', async () => {
    for (let i = 0; i < 5; i++) {
      await small.claim('capped', `c${i}`, 'fp');
      await small.complete('capped', `c${i}`, 'fp', 201, { n: i });
    }
    expect(await redis.zcard(`${prefix}:idem-index:capped`)).toBe(3);
    expect(await redis.keys(`${prefix}:idem:capped:*`)).toHaveLength(3);
  });
});
