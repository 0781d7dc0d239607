import type { GatewayProcess } from '@gw/testing';
import IORedis from 'ioredis';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';

/**
 * `Idempotency-Key` on the send routes, against two real gateway nodes sharing Postgres and
 * Redis, real Baileys inside, and our fake WhatsApp server counting what reaches the contact:
 * a repeated send (one after the other, at the same time, or through the other node) goes
 * out once and every answer carries the same message id; the key with another body is a 422.
 */
describe('idempotent sends (e2e)', () => {
  const env = new E2eEnvironment();
  const NAME = 'idem';
  let a: GatewayProcess;
  let b: GatewayProcess;
  let alice: { jid: string; phone: string };

  beforeAll(async () => {
    await env.start();
    a = await env.startGateway({ NODE_ID: 'node-a' });
    b = await env.startGateway({ NODE_ID: 'node-b' });
    await env.linkInstance(a, NAME);
    alice = env.fake.createAccount({ pushName: 'Alice' });
  });

  afterAll(() => env.stop());

  interface SendResult {
    status: number;
    body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    replayed: boolean;
  }

  const send = async (via: GatewayProcess, body: unknown, key?: string, action = 'sendText'): Promise<SendResult> => {
    const res = await fetch(`${via.url}/message/${action}/${NAME}`, {
      method: 'POST',
      headers: { apikey: API_KEY, 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json(), replayed: res.headers.get('idempotent-replayed') === 'true' };
  };

  const textOf = (message: unknown) => {
    const m = message as { conversation?: string; extendedTextMessage?: { text?: string } };
    return m.conversation ?? m.extendedTextMessage?.text;
  };

  /**
   * How many copies of `text` reached Alice. Sends of one instance go out one at a time, so
   * once a marker sent afterwards has arrived, any duplicate would have arrived before it.
   */
  const copiesReceived = async (text: string): Promise<number> => {
    const marker = await send(a, { number: alice.phone, text: `marker after ${text}` });
    expect(marker.status).toBe(201);
    const markerId = marker.body.key.id;
    if (!env.fake.messagesFromClient.some((m) => m.id === markerId)) await env.fake.waitFor('client-message', (m) => m.id === markerId);
    return env.fake.messagesFromClient.filter((m) => m.to === alice.jid && textOf(m.message) === text).length;
  };

  it('a repeat with the same key and body returns the first response and sends nothing', async () => {
    const body = { number: alice.phone, text: 'sequential once' };
    const first = await send(a, body, 'seq-1');
    expect(first.status).toBe(201);
    expect(first.replayed).toBe(false);
    // the same body with its keys in another order is the same request
    const again = await send(a, { text: body.text, number: body.number }, 'seq-1');
    expect(again).toEqual({ status: 201, body: first.body, replayed: true });
    expect(await copiesReceived('sequential once')).toBe(1);
  });

  it('a duplicate arriving while the first is still sending waits for it and gets its answer', async () => {
    const body = { number: alice.phone, text: 'concurrent once', delay: 1500 };
    const [x, y, z] = await Promise.all([send(a, body, 'conc-1'), send(a, body, 'conc-1'), send(a, body, 'conc-1')]);
    expect([x.status, y.status, z.status]).toEqual([201, 201, 201]);
    expect(new Set([x.body.key.id, y.body.key.id, z.body.key.id]).size).toBe(1);
    expect([x, y, z].filter((r) => r.replayed)).toHaveLength(2);
    expect(await copiesReceived('concurrent once')).toBe(1);
  });

  it('across two nodes, sequentially and concurrently, the message goes out once', async () => {
    const seq = { number: alice.phone, text: 'two nodes sequential' };
    const viaA = await send(a, seq, 'nodes-seq');
    const viaB = await send(b, seq, 'nodes-seq');
    expect(viaA.status).toBe(201);
    expect(viaB.body).toEqual(viaA.body);
    expect(await copiesReceived('two nodes sequential')).toBe(1);

    const conc = { number: alice.phone, text: 'two nodes concurrent', delay: 1500 };
    const [x, y] = await Promise.all([send(a, conc, 'nodes-conc'), send(b, conc, 'nodes-conc')]);
    expect([x.status, y.status]).toEqual([201, 201]);
    expect(y.body.key.id).toBe(x.body.key.id);
    expect(await copiesReceived('two nodes concurrent')).toBe(1);
  });

  it('the same key with another body or on another route is a 422 in the error envelope, and sends nothing', async () => {
    const first = await send(a, { number: alice.phone, text: 'original' }, 'reuse-1');
    expect(first.status).toBe(201);
    const other = await send(a, { number: alice.phone, text: 'changed' }, 'reuse-1');
    expect(other.status).toBe(422);
    expect(other.body).toEqual({ status: 422, error: 'Unprocessable Entity', response: { message: [expect.stringMatching(/different request/)] } });
    const otherRoute = await send(a, { number: alice.phone, name: 'Office', latitude: 1, longitude: 2, address: 'x' }, 'reuse-1', 'sendLocation');
    expect(otherRoute.status).toBe(422);
    expect(await copiesReceived('changed')).toBe(0);
  });

  it('a failed send keeps no answer: the retry with the key runs (and the answer is kept 24 h, per instance)', async () => {
    const bad = await send(a, { text: 'no number' }, 'fail-1');
    expect(bad.status).toBe(400);
    const good = await send(a, { number: alice.phone, text: 'after a failure' }, 'fail-1');
    expect(good).toMatchObject({ status: 201, replayed: false });

    const redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const keys = await redis.keys(`${env.redisPrefix}:idem:${NAME}:*`);
      expect(keys.length).toBeGreaterThanOrEqual(6);
      const ttl = await redis.ttl(keys[0]);
      expect(ttl).toBeGreaterThan(23 * 3600);
      expect(ttl).toBeLessThanOrEqual(24 * 3600);
      expect(await redis.zcard(`${env.redisPrefix}:idem-index:${NAME}`)).toBe(keys.length);
    } finally {
      redis.disconnect();
    }
  });

  it('an over-long key is a 400; sends without a key are not deduplicated', async () => {
    expect((await send(a, { number: alice.phone, text: 'k' }, 'x'.repeat(256))).status).toBe(400);
    const plain1 = await send(a, { number: alice.phone, text: 'plain' });
    const plain2 = await send(a, { number: alice.phone, text: 'plain' });
    expect(plain1.body.key.id).not.toBe(plain2.body.key.id);
    expect(await copiesReceived('plain')).toBe(2);
  });
});
