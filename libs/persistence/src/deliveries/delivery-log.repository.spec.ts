import type { AppConfig } from '@gw/config';
import { TestDatabase } from '@gw/testing';
import { randomUUID } from 'node:crypto';
import { PrismaService } from '../prisma.service';
import { DeliveryLogRepository, NewDelivery, withSequence } from './delivery-log.repository';
import { RabbitmqOutboxRepository } from './rabbitmq-outbox.repository';

/**
 * The attempt log has no foreign key to its delivery (its per-row check cost as much as the rest
 * of recording an attempt), so the repositories keep the pairing themselves: the log's list and
 * detail show each delivery's own attempts, and retention removes attempts with their delivery.
 */
describe('DeliveryLogRepository: attempts beside their delivery (real Postgres)', () => {
  const db = new TestDatabase();
  let prisma: PrismaService;
  let log: DeliveryLogRepository;
  let outbox: RabbitmqOutboxRepository;
  let instanceId: string;

  const row = (target: NewDelivery['target'], status: NewDelivery['status'] = 'pending'): NewDelivery => ({
    id: `msg_${randomUUID().replace(/-/g, '')}`,
    instanceId,
    instanceName: 'log',
    webhookId: null,
    target,
    event: 'MESSAGES_UPSERT',
    url: target.startsWith('rabbitmq') ? 'amqp:log/messages.upsert' : 'http://127.0.0.1:9/hook',
    sequence: null,
    status,
    body: '{"event":"messages.upsert"}',
  });
  const age = (ids: string[], days: number) =>
    prisma.pool.query(`UPDATE "WebhookDelivery" SET "createdAt" = now() - $2 * interval '1 day' WHERE "id" = ANY($1::varchar[])`, [ids, days]);
  const attemptCount = async (ids: string[]) =>
    Number((await prisma.pool.query(`SELECT count(*) AS n FROM "WebhookAttempt" WHERE "deliveryId" = ANY($1::varchar[])`, [ids])).rows[0].n);

  beforeAll(async () => {
    await db.create();
    prisma = new PrismaService({ database: { url: db.url } } as AppConfig);
    log = new DeliveryLogRepository(prisma);
    outbox = new RabbitmqOutboxRepository(prisma, log);
    instanceId = (await prisma.instance.create({ data: { name: 'log', token: 'T' } })).id;
  });

  afterAll(async () => {
    await prisma.onApplicationShutdown();
    await db.drop();
  });

  it('a RabbitMQ publish acked shows as delivered with its attempt (kept in the row, not an attempt row); one not acked stays pending, found again by the publisher', async () => {
    const [acked, refused] = [row('rabbitmq'), row('rabbitmq')];
    await log.insertDeliveries([acked, refused]);
    const startedAt = new Date();
    await outbox.recordPublishes([
      { deliveryId: acked.id, attempt: 1, startedAt, latencyMs: 4, error: null },
      { deliveryId: refused.id, attempt: 1, startedAt, latencyMs: 9, error: 'nacked' },
    ]);
    const shown = await log.get(instanceId, acked.id);
    expect(shown).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: expect.any(Date) });
    expect(shown!.attemptLog.map((a) => [a.attempt, a.startedAt.getTime(), a.latencyMs, a.error])).toEqual([[1, startedAt.getTime(), 4, null]]);
    expect(await attemptCount([acked.id])).toBe(0); // the row's columns hold it
    expect((await log.list({ instanceId, limit: 100 })).find((r) => r.id === acked.id)).toMatchObject({ attemptLog: [{ statusCode: null, latencyMs: 4 }] });
    expect(await log.get(instanceId, refused.id)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'nacked' });
    expect((await outbox.findPending(10)).map((p) => p.id)).toEqual([refused.id]);
    // a redelivery sets it pending again; the publisher finds it in the outbox
    await log.setStatus([acked.id], 'pending');
    expect(await attemptCount([acked.id])).toBe(1); // its first attempt written out before the columns move on
    expect((await outbox.findPending(10)).map((p) => p.id).sort()).toEqual([acked.id, refused.id].sort());
    await outbox.recordPublishes([
      { deliveryId: acked.id, attempt: 2, startedAt, latencyMs: 3, error: null },
      { deliveryId: refused.id, attempt: 2, startedAt, latencyMs: 3, error: null },
    ]);
    expect(await outbox.findPending(10)).toEqual([]);
    expect((await log.get(instanceId, acked.id))!.attemptLog.map((a) => [a.attempt, a.latencyMs])).toEqual([[1, 4], [2, 3]]);
    expect((await log.get(instanceId, refused.id))!.attemptLog.map((a) => [a.attempt, a.error])).toEqual([[1, 'nacked'], [2, null]]);
  });

  it('stores every body byte for byte (multi-byte characters, quotes, backslashes, an empty one) and numbers the numbered ones in order', async () => {
    const bodies = [
      '{"text":"Olá, tudo bem? 😀 — \\"citado\\" e \\\\ barra"}',
      '',
      '{"a":"' + 'ç'.repeat(3000) + '"}',
      '{"event":"messages.upsert","data":{"k":"\\u0000 not a NUL, six bytes"}}',
    ];
    const rows = bodies.map((body, i) => ({ ...row(i % 2 ? 'rabbitmq' : 'instance'), body, ...(i >= 2 ? { numbering: { rank: i - 1, inBody: true } } : {}) }));
    const bases = await log.insertDeliveries(rows);
    const base = bases.get(instanceId)!;
    expect(base).toEqual(expect.any(Number));
    const stored = await prisma.pool.query<{ id: string; body: string; sequence: string | null }>(
      `SELECT "id", "body", "sequence" FROM "WebhookDelivery" WHERE "id" = ANY($1::varchar[])`,
      [rows.map((r) => r.id)],
    );
    const byId = new Map(stored.rows.map((r) => [r.id, r]));
    expect(rows.map((r) => byId.get(r.id)!.body)).toEqual([bodies[0], bodies[1], withSequence(bodies[2], base + 1), withSequence(bodies[3], base + 2)]);
    expect(rows.map((r) => byId.get(r.id)!.sequence)).toEqual([null, null, String(base + 1), String(base + 2)]);
  });

  it('the list shows each delivery with its own last attempt (status code and latency), none for a delivery not tried', async () => {
    const [tried, fresh] = [row('instance'), row('instance')];
    await log.insertDeliveries([tried, fresh]);
    const at = new Date();
    await log.recordAttempts([
      { deliveryId: tried.id, attempt: 1, startedAt: at, statusCode: 500, latencyMs: 11, error: null, response: 'no', outcome: 'pending' },
      { deliveryId: tried.id, attempt: 2, startedAt: at, statusCode: 200, latencyMs: 7, error: null, response: 'ok', outcome: 'delivered' },
    ]);
    const listed = await log.list({ instanceId, limit: 100 });
    const byId = new Map(listed.map((r) => [r.id, r]));
    expect(byId.get(tried.id)).toMatchObject({ status: 'delivered', attempts: 2, attemptLog: [{ statusCode: 200, latencyMs: 7 }] });
    expect(byId.get(fresh.id)).toMatchObject({ status: 'pending', attemptLog: [] });
    expect(byId.get(tried.id)).not.toHaveProperty('body');
    expect((await log.list({ instanceId, status: 'delivered', limit: 100 })).map((r) => r.id)).toContain(tried.id);
  });

  it('a webhook delivery whose attempt numbers skip one (an attempt lost with its process) shows only its own attempts, before and after a redelivery', async () => {
    const hook = row('instance');
    await log.insertDeliveries([hook]);
    const at = new Date();
    // attempt 2 was in flight when its process died: never recorded, so the counter is 2 and the numbers are 1 and 3
    await log.recordAttempts([
      { deliveryId: hook.id, attempt: 1, startedAt: at, statusCode: 503, latencyMs: 5, error: null, response: 'busy', outcome: 'pending' },
      { deliveryId: hook.id, attempt: 3, startedAt: at, statusCode: 200, latencyMs: 6, error: null, response: 'ok', outcome: 'delivered' },
    ]);
    const codes = async () => (await log.get(instanceId, hook.id))!.attemptLog.map((a) => [a.attempt, a.statusCode]);
    expect(await codes()).toEqual([[1, 503], [3, 200]]);
    expect((await log.list({ instanceId, limit: 100 })).find((r) => r.id === hook.id)).toMatchObject({ attemptLog: [{ statusCode: 200, latencyMs: 6 }] });
    await log.setStatus([hook.id], 'pending');
    expect(await attemptCount([hook.id])).toBe(2);
    expect(await codes()).toEqual([[1, 503], [3, 200]]);
  });

  it('retention deletes finished deliveries older than the cut-off with their attempts, and keeps pending ones and newer ones', async () => {
    const [oldDone, oldPending, newDone] = [row('instance'), row('rabbitmq'), row('instance')];
    await log.insertDeliveries([oldDone, oldPending, newDone]);
    const startedAt = new Date();
    await outbox.recordPublishes([{ deliveryId: oldPending.id, attempt: 1, startedAt, latencyMs: 2, error: 'broker away' }]);
    // retried ones: their attempts are rows
    const retried = (deliveryId: string) => [
      { deliveryId, attempt: 1, startedAt, statusCode: 503, latencyMs: 1, error: null, response: null, outcome: 'pending' as const },
      { deliveryId, attempt: 2, startedAt, statusCode: 200, latencyMs: 1, error: null, response: null, outcome: 'delivered' as const },
    ];
    await log.recordAttempts([...retried(oldDone.id), ...retried(newDone.id)]);
    expect(await attemptCount([oldDone.id])).toBe(2);
    await age([oldDone.id, oldPending.id], 10);
    const purged = await log.purgeOlderThan(new Date(Date.now() - 7 * 86_400_000));
    expect(purged).toBeGreaterThanOrEqual(1);
    expect(await log.get(instanceId, oldDone.id)).toBeNull();
    expect(await attemptCount([oldDone.id])).toBe(0);
    expect(await log.get(instanceId, oldPending.id)).toMatchObject({ status: 'pending' });
    expect(await attemptCount([oldPending.id, newDone.id])).toBe(3);
  });

  it('a webhook delivery answered 2xx at its first attempt keeps that attempt (status code, answer) in its row; a redelivery writes it out as a row first', async () => {
    const [first, alone, twice] = [row('instance'), row('instance'), row('instance')];
    await log.insertDeliveries([first, alone, twice]);
    const at = new Date();
    const ok = (deliveryId: string, attempt: number, latencyMs: number) =>
      ({ deliveryId, attempt, startedAt: at, statusCode: 201, latencyMs, error: null, response: '{"ok":true}', outcome: 'delivered' as const });
    // one batch: a first attempt that succeeded, one that failed, and a delivery recorded twice in the batch
    await log.recordAttempts([
      ok(first.id, 1, 8),
      { deliveryId: alone.id, attempt: 1, startedAt: at, statusCode: 500, latencyMs: 3, error: null, response: 'down', outcome: 'pending' },
      ok(twice.id, 1, 4),
      ok(twice.id, 1, 5),
    ]);
    expect(await attemptCount([first.id])).toBe(0); // the row's columns hold it
    const shown = await log.get(instanceId, first.id);
    expect(shown).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: new Date(at.getTime() + 8) });
    expect(shown!.attemptLog).toEqual([{ attempt: 1, startedAt: at, statusCode: 201, latencyMs: 8, error: null, response: '{"ok":true}' }]);
    expect((await log.list({ instanceId, limit: 100 })).find((r) => r.id === first.id)).toMatchObject({ attemptLog: [{ statusCode: 201, latencyMs: 8 }] });
    expect(await attemptCount([alone.id, twice.id])).toBe(3); // not first successes: rows, as before
    expect((await log.get(instanceId, alone.id))!.attemptLog.map((a) => [a.attempt, a.statusCode, a.response])).toEqual([[1, 500, 'down']]);

    await log.setStatus([first.id], 'pending');
    expect(await attemptCount([first.id])).toBe(1);
    await log.recordAttempts([{ deliveryId: first.id, attempt: 2, startedAt: at, statusCode: 200, latencyMs: 6, error: null, response: 'again', outcome: 'delivered' }]);
    expect((await log.get(instanceId, first.id))!.attemptLog.map((a) => [a.attempt, a.statusCode, a.latencyMs, a.response])).toEqual([
      [1, 201, 8, '{"ok":true}'],
      [2, 200, 6, 'again'],
    ]);
  });

  it('an attempt number recorded twice (a job re-run after its process died between recording and moving on) shows both attempts and no phantom one', async () => {
    const d = row('instance');
    await log.insertDeliveries([d]);
    const t0 = Date.now();
    const attempt = (n: number, offsetMs: number, statusCode: number) => ({
      deliveryId: d.id,
      attempt: n,
      startedAt: new Date(t0 + offsetMs),
      statusCode,
      latencyMs: 2,
      error: null,
      response: statusCode === 200 ? 'ok' : 'busy',
      outcome: statusCode === 200 ? ('delivered' as const) : ('pending' as const),
    });
    await log.recordAttempts([attempt(1, 0, 503)]);
    await log.recordAttempts([attempt(2, 1_000, 503)]);
    await log.recordAttempts([attempt(3, 2_000, 503)]); // recorded, then the process died before the job moved on
    await log.recordAttempts([attempt(3, 12_000, 200)]); // the re-run after the job's lock expired: the same number again

    const shown = await log.get(instanceId, d.id);
    expect(shown).toMatchObject({ status: 'delivered', attempts: 4 });
    expect(shown!.attemptLog.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 503],
      [2, 503],
      [3, 503],
      [3, 200],
    ]);
    expect((await log.list({ instanceId, limit: 100 })).find((r) => r.id === d.id)).toMatchObject({ attemptLog: [{ statusCode: 200 }] });
  });

  it('an answer or error holding U+0000 (which Postgres text cannot) is recorded with U+FFFD, and does not take the attempts written with it down', async () => {
    const [first, retried, other] = [row('instance'), row('instance'), row('instance')];
    await log.insertDeliveries([first, retried, other]);
    const startedAt = new Date();
    const base = { startedAt, latencyMs: 5, error: null };
    // One group commit carries attempts of several receivers: one answering binary bytes must not lose the others'.
    await log.recordAttempts([
      { ...base, deliveryId: first.id, attempt: 1, statusCode: 200, response: 'ok\u0000bin', outcome: 'delivered' },
      { ...base, deliveryId: retried.id, attempt: 1, statusCode: 500, response: '\u0000\u0000', error: 'bad\u0000', outcome: 'pending' },
      { ...base, deliveryId: other.id, attempt: 1, statusCode: 200, response: 'fine', outcome: 'delivered' },
    ]);
    expect(await log.get(instanceId, first.id)).toMatchObject({ status: 'delivered', attemptLog: [{ statusCode: 200, response: 'ok\uFFFDbin' }] });
    expect(await log.get(instanceId, retried.id)).toMatchObject({ status: 'pending', lastError: 'bad\uFFFD', attemptLog: [{ response: '\uFFFD\uFFFD', error: 'bad\uFFFD' }] });
    expect(await log.get(instanceId, other.id)).toMatchObject({ status: 'delivered', attemptLog: [{ response: 'fine' }] });
  });
});
