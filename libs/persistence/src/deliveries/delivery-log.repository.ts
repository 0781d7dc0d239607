import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import { packTexts, packedStart, packedText } from '../packed-texts.util';
import { pgArray } from '../pg-array.util';
import { storable } from '../storable-text.util';
import { Prisma } from '../persistence.types';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'refused' | 'gone' | 'too_large';

export interface NewDelivery {
  id: string;
  instanceId: string | null;
  instanceName: string | null;
  webhookId: string | null;
  /** instance/global webhook, or an instance's/the global RabbitMQ exchange. */
  target: 'instance' | 'global' | RabbitmqTarget;
  event: string;
  url: string;
  sequence: number | null;
  status: DeliveryStatus;
  body: string;
  lastError?: string;
  /**
   * Number this delivery in the same statement: it takes its instance's `rank`-th next event
   * number (deliveries of one event share a rank), appended to the body when `inBody`.
   */
  numbering?: { rank: number; inBody: boolean };
}

/** The body with its event number as the envelope's last field (the same bytes the INSERT stores). */
export const withSequence = (body: string, sequence: number): string => `${body.slice(0, -1)},"sequence":${sequence}}`;

/** Delivery log targets that go to RabbitMQ instead of an HTTP webhook. */
export const RABBITMQ_TARGETS = ['rabbitmq', 'rabbitmq-global'] as const;
export type RabbitmqTarget = (typeof RABBITMQ_TARGETS)[number];

export const isRabbitmqTarget = (target: string): target is RabbitmqTarget => (RABBITMQ_TARGETS as readonly string[]).includes(target);

/** An attempt as the log shows it. */
export interface AttemptView {
  attempt: number;
  startedAt: Date;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  response: string | null;
}

/**
 * The row's last attempt when only its columns record it (recordConfirmed: a confirmed RabbitMQ
 * publish, a webhook's first attempt that succeeded), given its attempt rows; else undefined.
 * Attempt numbers may skip one (an attempt in flight when its process died is never recorded,
 * nor counted), so the highest number is never below the count: an attempt row numbered at least
 * the count means every attempt has a row. A number may also repeat (a job re-run after its
 * process died between recording an attempt and moving the job on), so the count can exceed the
 * highest number; then the row whose start is the row's `lastAttemptAt` is the last attempt.
 */
function columnAttempt(
  r: {
    attempts: number;
    lastAttemptAt: Date | null;
    deliveredAt: Date | null;
    lastError: string | null;
    lastStatusCode: number | null;
    lastResponse: string | null;
  },
  rows: { attempt: number; startedAt: Date }[],
): AttemptView | undefined {
  const lastAt = r.lastAttemptAt;
  if (!r.attempts || !lastAt || rows.some((a) => a.attempt >= r.attempts || a.startedAt.getTime() === lastAt.getTime())) return undefined;
  return {
    attempt: r.attempts,
    startedAt: lastAt,
    statusCode: r.lastStatusCode,
    latencyMs: r.deliveredAt ? r.deliveredAt.getTime() - lastAt.getTime() : 0,
    error: r.lastError,
    response: r.lastResponse,
  };
}

/** A first attempt that succeeded, for recordConfirmed (a RabbitMQ publish has no status code or answer). */
export interface ConfirmedAttempt {
  deliveryId: string;
  startedAt: Date;
  latencyMs: number;
  statusCode?: number | null;
  response?: string | null;
}

export interface AttemptRecord extends AttemptView {
  deliveryId: string;
  /** Status of the delivery after this attempt. */
  outcome: DeliveryStatus;
}

export interface DeliveryFilter {
  instanceId: string;
  status?: DeliveryStatus;
  event?: string;
  /** one of the instance's webhooks */
  webhookId?: string;
  since?: Date;
  until?: Date;
  limit: number;
  /** id of the last row of the previous page */
  before?: { createdAt: Date; id: string };
}

/**
 * The bodies travel packed in one binary parameter (see packTexts; 1,000 rows of ~1.2 KB: gateway 11.7
 * vs 5.0 ms, Postgres 8.2 vs 1.9 ms against a text[], measured alone). Each body is cut out in the
 * INSERT's own SELECT: `u` is read twice, so Postgres materialises it, and a body there was copied
 * into and out of that store; a numbered body is cut one byte short (its closing brace) and the number
 * appended, where left(body, -1) counted its characters first (together 18 % of the statement's
 * Postgres CPU on 1,000 rows).
 */
const INSERT_DELIVERIES = `WITH u AS (
     SELECT a.*, ${packedStart('a.body_bytes', 'a.n')} AS body_at
       FROM unnest($1::varchar[], $2::uuid[], $3::varchar[], $4::uuid[], $5::varchar[], $6::varchar[], $7::text[], $8::bigint[], $9::varchar[], $10::int[], $11::text[], $12::int[], $13::bool[])
         WITH ORDINALITY AS a(id, instance_id, instance_name, webhook_id, target, event, url, sequence, status, body_bytes, last_error, rank, in_body, n)
   ), counts AS (
     SELECT instance_id, max(rank) AS n FROM u WHERE rank IS NOT NULL GROUP BY instance_id
   ), s AS (
     UPDATE "Instance" AS i SET "eventSequence" = i."eventSequence" + c.n FROM counts c WHERE i."id" = c.instance_id
     RETURNING i."id", i."eventSequence" - c.n AS base
   ), ins AS (
     INSERT INTO "WebhookDelivery" ("id", "instanceId", "instanceName", "webhookId", "target", "event", "url", "sequence", "status", "body", "lastError")
     SELECT u.id, u.instance_id, u.instance_name, u.webhook_id, u.target, u.event, u.url,
       CASE WHEN u.rank IS NULL THEN u.sequence ELSE s.base + u.rank END,
       u.status,
       CASE WHEN u.rank IS NULL OR NOT u.in_body OR s.base IS NULL OR u.body_bytes = 0
            THEN ${packedText('$14', 'u.body_at', 'u.body_bytes')}
            ELSE ${packedText('$14', 'u.body_at', 'u.body_bytes - 1')} || ',"sequence":' || (s.base + u.rank) || '}' END,
       u.last_error
     FROM u LEFT JOIN s ON s."id" = u.instance_id
   )
   SELECT "id"::text AS id, base FROM s`;

/** The attempt log: every delivery with its body, and every attempt with status, latency and an excerpt. */
@Injectable()
export class DeliveryLogRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The outbox: deliveries still pending, oldest first, for re-dispatch after a queue outage. */
  findPending(createdBefore: Date, after: { createdAt: Date; id: string } | undefined, limit: number) {
    return this.prisma.webhookDelivery.findMany({
      where: {
        status: 'pending',
        createdAt: { lt: createdBefore },
        ...(after
          ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] }
          : {}),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: limit,
    });
  }

  /**
   * One INSERT from arrays, sent through the pool directly: Prisma's query compiler would
   * serialise every row (1 KB bodies included) to JSON and back on each call. No ON CONFLICT:
   * every id is new (a failed INSERT is routed again under new ids), and the speculative
   * insertion it needs cost 2-3 µs of Postgres CPU per row (~15 % of the INSERT); a duplicate id
   * fails its batch, whose callers route again, instead of being dropped after its number was taken.
   */
  async insertDeliveries(rows: NewDelivery[]): Promise<Map<string, number>> {
    if (!rows.length) return new Map();
    const bodies = packTexts(rows.map((r) => r.body));
    // Numbered rows take their event numbers from the instance rows in the same statement (one
    // row lock and one round trip per batch); `base` is each instance's number before the batch.
    const { rows: bases } = await this.prisma.pool.query<{ id: string; base: string }>({
      // Named, so each connection plans it once: re-planning this CTE took a third of its Postgres CPU.
      name: 'delivery_log_insert',
      text: INSERT_DELIVERIES,
      values: [
        ...[
          rows.map((r) => r.id),
          rows.map((r) => r.instanceId),
          rows.map((r) => r.instanceName),
          rows.map((r) => r.webhookId),
          rows.map((r) => r.target),
          rows.map((r) => r.event),
          rows.map((r) => r.url),
          rows.map((r) => r.sequence),
          rows.map((r) => r.status),
          bodies.lengths,
          rows.map((r) => r.lastError),
          rows.map((r) => r.numbering?.rank),
          rows.map((r) => r.numbering?.inBody ?? false),
        ].map(pgArray),
        bodies.bytes,
      ],
    });
    return new Map(bases.map((b) => [b.id, Number(b.base)]));
  }

  /**
   * Writes a batch of attempts and moves each delivery to its new status. A first attempt that
   * succeeded is kept in its delivery row (recordConfirmed); the others become attempt rows in ONE
   * statement (a CTE inserting the attempts and updating the deliveries from arrays): one round
   * trip and one query plan whatever the batch size, instead of a Prisma createMany plus one
   * updateMany per delivery. Answers and errors are stored with U+0000 as U+FFFD: Postgres text
   * cannot hold it, and one receiver answering such bytes failed the write of every attempt
   * grouped with its own (their deliveries stayed pending and were sent again).
   *
   * Committed with synchronous_commit off (for this transaction only, set inside the statement so
   * it stays one round trip): a Postgres crash may forget the last few hundred ms of attempts, so
   * those deliveries are sent again, with the same webhook-id, which the delivery guarantees allow.
   * The outbox INSERT of new deliveries stays synchronous: an event is never lost.
   */
  async recordAttempts(batch: AttemptRecord[]): Promise<void> {
    if (!batch.length) return;
    const seen = new Map<string, number>();
    for (const a of batch) seen.set(a.deliveryId, (seen.get(a.deliveryId) ?? 0) + 1);
    // A first attempt that succeeded goes to its row's columns (recordConfirmed), unless the batch
    // has more of that delivery or its id cannot travel in recordConfirmed's comma-separated list.
    const confirmed: AttemptRecord[] = [];
    const rows: AttemptRecord[] = [];
    for (const a of batch) {
      const inColumns = a.attempt === 1 && a.outcome === 'delivered' && seen.get(a.deliveryId) === 1 && !a.deliveryId.includes(',');
      (inColumns ? confirmed : rows).push(a);
    }
    await Promise.all([this.recordConfirmed(confirmed), this.writeAttemptRows(rows)]);
  }

  private async writeAttemptRows(batch: AttemptRecord[]): Promise<void> {
    if (!batch.length) return;
    const latest = new Map<string, { a: AttemptRecord; n: number }>();
    for (const a of batch) {
      const prev = latest.get(a.deliveryId);
      if (!prev) latest.set(a.deliveryId, { a, n: 1 });
      else latest.set(a.deliveryId, { a: prev.a.attempt <= a.attempt ? a : prev.a, n: prev.n + 1 });
    }
    const d = [...latest.values()];
    await this.prisma.pool.query({
      name: 'delivery_log_record_attempts',
      text: `WITH async AS MATERIALIZED (
         SELECT set_config('synchronous_commit', 'off', true) AS v
       ), ins AS (
         INSERT INTO "WebhookAttempt" ("deliveryId", "attempt", "startedAt", "statusCode", "latencyMs", "error", "response")
         SELECT * FROM unnest($1::varchar[], $2::int[], $3::timestamp(3)[], $4::int[], $5::int[], $6::text[], $7::text[])
       )
       UPDATE "WebhookDelivery" AS w SET
         "status" = u.status,
         "attempts" = w."attempts" + u.n,
         "lastAttemptAt" = u.last_at,
         "lastError" = u.last_error,
         "deliveredAt" = COALESCE(u.delivered_at, w."deliveredAt")
       FROM unnest($8::varchar[], $9::varchar[], $10::int[], $11::timestamp(3)[], $12::text[], $13::timestamp(3)[])
         AS u(id, status, n, last_at, last_error, delivered_at), async
       WHERE w."id" = u.id AND async.v IS NOT NULL`,
      values: [
        batch.map((a) => a.deliveryId),
        batch.map((a) => a.attempt),
        batch.map((a) => a.startedAt.toISOString()),
        batch.map((a) => a.statusCode),
        batch.map((a) => a.latencyMs),
        batch.map((a) => storable(a.error)),
        batch.map((a) => storable(a.response)),
        d.map(({ a }) => a.deliveryId),
        d.map(({ a }) => a.outcome),
        d.map(({ n }) => n),
        d.map(({ a }) => a.startedAt.toISOString()),
        d.map(({ a }) => storable(a.error) ?? (a.statusCode && (a.statusCode < 200 || a.statusCode >= 300) ? `HTTP ${a.statusCode}` : null)),
        d.map(({ a }) => (a.outcome === 'delivered' ? new Date(a.startedAt.getTime() + a.latencyMs).toISOString() : null)),
      ].map(pgArray),
    });
  }

  /**
   * First attempts that succeeded (a RabbitMQ publish the broker confirmed, a webhook POST
   * answered 2xx): the delivery row records them (attempts, lastAttemptAt, deliveredAt, and a
   * webhook's status code and answer excerpt) without an attempt row. That row was a third of
   * the Postgres work of recording an attempt (with the text arrays that carried it); the log
   * shows the attempt from the columns (`columnAttempt`), and a redelivery writes it out as a row
   * before the columns move on (`setStatus`). Asynchronous commit, as recordAttempts.
   */
  async recordConfirmed(batch: ConfirmedAttempt[]): Promise<void> {
    if (!batch.length) return;
    // Ids as one comma-separated text (delivery ids are `msg_<hex>`; callers keep any id with a comma out): a text[] would escape each.
    await this.prisma.pool.query({
      name: 'delivery_log_record_confirmed',
      text: `WITH async AS MATERIALIZED (
         SELECT set_config('synchronous_commit', 'off', true) AS v
       )
       UPDATE "WebhookDelivery" AS w SET
         "status" = 'delivered',
         "attempts" = w."attempts" + 1,
         "lastAttemptAt" = to_timestamp(u.started / 1000.0) AT TIME ZONE 'UTC',
         "lastError" = NULL,
         "deliveredAt" = to_timestamp((u.started + u.latency) / 1000.0) AT TIME ZONE 'UTC',
         "lastStatusCode" = u.code,
         "lastResponse" = u.response
       FROM unnest(string_to_array($1, ','), $2::bigint[], $3::int[], $4::int[], $5::text[]) AS u(id, started, latency, code, response), async
       WHERE w."id" = u.id AND async.v IS NOT NULL`,
      values: [
        batch.map((a) => a.deliveryId).join(','),
        ...[batch.map((a) => a.startedAt.getTime()), batch.map((a) => a.latencyMs), batch.map((a) => a.statusCode), batch.map((a) => storable(a.response))].map(pgArray),
      ],
    });
  }

  /** The frozen body of a delivery (for a retry whose job no longer carries it); null when the row is gone (purged). */
  async bodyOf(id: string): Promise<string | null> {
    const { rows } = await this.prisma.pool.query<{ body: string }>(`SELECT "body" FROM "WebhookDelivery" WHERE "id" = $1`, [id]);
    return rows[0]?.body ?? null;
  }

  /** Status and attempts so far of each delivery (what a delivery job that ran before already did). */
  async progressOf(ids: string[]): Promise<Map<string, { status: DeliveryStatus; attempts: number }>> {
    if (!ids.length) return new Map();
    const { rows } = await this.prisma.pool.query<{ id: string; status: DeliveryStatus; attempts: number }>(
      `SELECT "id", "status", "attempts" FROM "WebhookDelivery" WHERE "id" = ANY($1::varchar[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, { status: r.status, attempts: r.attempts }]));
  }

  /**
   * Sets the status (a redelivery: 'pending'). A last attempt kept only in the row's columns
   * (recordConfirmed) is written out as an attempt row first, in the same statement, since the
   * next attempt overwrites those columns.
   */
  async setStatus(ids: string[], status: DeliveryStatus): Promise<void> {
    await this.prisma.pool.query(
      `WITH kept AS (
         INSERT INTO "WebhookAttempt" ("deliveryId", "attempt", "startedAt", "statusCode", "latencyMs", "error", "response")
         SELECT w."id", w."attempts", w."lastAttemptAt", w."lastStatusCode",
                COALESCE((EXTRACT(EPOCH FROM (w."deliveredAt" - w."lastAttemptAt")) * 1000)::int, 0), w."lastError", w."lastResponse"
           FROM "WebhookDelivery" w
          WHERE w."id" = ANY($1::varchar[]) AND w."attempts" > 0 AND w."lastAttemptAt" IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM "WebhookAttempt" a WHERE a."deliveryId" = w."id" AND a."attempt" >= w."attempts")
       )
       UPDATE "WebhookDelivery" SET "status" = $2 WHERE "id" = ANY($1::varchar[])`,
      [ids, status],
    );
  }

  async list(filter: DeliveryFilter) {
    const where: Prisma.WebhookDeliveryWhereInput = {
      instanceId: filter.instanceId,
      status: filter.status,
      event: filter.event,
      webhookId: filter.webhookId,
      createdAt: { gte: filter.since, lte: filter.until },
    };
    if (filter.before) {
      where.OR = [
        { createdAt: { lt: filter.before.createdAt } },
        { createdAt: filter.before.createdAt, id: { lt: filter.before.id } },
      ];
    }
    const rows = await this.prisma.webhookDelivery.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: filter.limit,
      omit: { body: true },
    });
    // The last attempt's status code and latency, for the list (the manager's delivery log).
    const { rows: last } = await this.prisma.pool.query<{ deliveryId: string; attempt: number; startedAt: Date; statusCode: number | null; latencyMs: number }>(
      // Latest by number, then by start: a number can repeat (see columnAttempt). The column is
      // UTC without a zone, as Prisma writes and reads it; pg alone would read it as local time.
      `SELECT DISTINCT ON ("deliveryId") "deliveryId", "attempt", "startedAt" AT TIME ZONE 'UTC' AS "startedAt", "statusCode", "latencyMs"
         FROM "WebhookAttempt" a
        WHERE "deliveryId" = ANY($1::varchar[]) ORDER BY "deliveryId", "attempt" DESC, a."startedAt" DESC, "id" DESC`,
      [rows.map((r) => r.id)],
    );
    const byId = new Map(last.map(({ deliveryId, ...a }) => [deliveryId, a]));
    return rows.map((r) => {
      const lastRow = byId.get(r.id);
      const a = columnAttempt(r, lastRow ? [lastRow] : []) ?? lastRow;
      return { ...r, attemptLog: a ? [{ statusCode: a.statusCode, latencyMs: a.latencyMs }] : [] };
    });
  }

  async get(instanceId: string, id: string) {
    const row = await this.prisma.webhookDelivery.findFirst({ where: { id, instanceId } });
    if (!row) return null;
    const attemptLog: AttemptView[] = await this.prisma.webhookAttempt.findMany({
      where: { deliveryId: id },
      orderBy: [{ attempt: 'asc' }, { startedAt: 'asc' }, { id: 'asc' }],
    });
    const kept = columnAttempt(row, attemptLog);
    return { ...row, attemptLog: kept ? [...attemptLog, kept] : attemptLog };
  }

  findFailedSince(instanceId: string, since: Date, limit = 10_000) {
    return this.prisma.webhookDelivery.findMany({
      where: { instanceId, status: { in: ['failed', 'gone'] }, createdAt: { gte: since } },
      orderBy: { createdAt: 'asc' },
      take: limit,
    });
  }

  /** Retention: drops finished deliveries older than the cutoff, with their attempts (no foreign key cascades them). */
  async purgeOlderThan(cutoff: Date): Promise<number> {
    const { rows } = await this.prisma.pool.query<{ n: number }>(
      `WITH d AS (
         DELETE FROM "WebhookDelivery" WHERE "createdAt" < $1::timestamp(3) AND "status" <> 'pending' RETURNING "id"
       ), a AS (
         DELETE FROM "WebhookAttempt" WHERE "deliveryId" IN (SELECT "id" FROM d)
       )
       SELECT count(*)::int AS n FROM d`,
      [cutoff.toISOString()],
    );
    return rows[0]?.n ?? 0;
  }
}
