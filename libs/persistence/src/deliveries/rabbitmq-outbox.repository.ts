import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import { NewDelivery } from './delivery-log.repository';

/** Delivery log targets that go to RabbitMQ instead of an HTTP webhook. */
export const RABBITMQ_TARGETS = ['rabbitmq', 'rabbitmq-global'] as const;
export type RabbitmqTarget = (typeof RABBITMQ_TARGETS)[number];

export const isRabbitmqTarget = (target: string): target is RabbitmqTarget => (RABBITMQ_TARGETS as readonly string[]).includes(target);

/** A pending RabbitMQ delivery as the publisher reads it from the outbox. */
export interface PendingPublish {
  id: string;
  instanceId: string | null;
  target: RabbitmqTarget;
  event: string;
  /** `amqp:<exchange>/<routing key>` (see RabbitmqDestination). */
  url: string;
  sequence: bigint | null;
  body: string;
  attempts: number;
  createdAt: Date;
}

/**
 * A RabbitMQ row as the producer just committed it (its event number included), so the publisher
 * can send it without reading it back. `body` is the body as sent: for most events the stored
 * copy, but a QR code's stored copy has the code removed, and the live publish must carry it
 * (as the webhook's job does); only a later read from the outbox sends the stored copy.
 */
export function writtenRow(row: NewDelivery, sequence: number | null, body: string): PendingPublish {
  return {
    id: row.id,
    instanceId: row.instanceId,
    target: row.target as RabbitmqTarget,
    event: row.event,
    url: row.url,
    sequence: sequence === null ? null : BigInt(sequence),
    body,
    attempts: 0,
    createdAt: new Date(),
  };
}

/** One publish of one row: acked by the broker (delivered), or not (stays pending, with why). */
export interface PublishAttempt {
  deliveryId: string;
  attempt: number;
  startedAt: Date;
  latencyMs: number;
  error: string | null;
}

/** The RabbitMQ side of the outbox: pending deliveries the publisher sends from the WebhookDelivery table. */
@Injectable()
export class RabbitmqOutboxRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Runs `fn` only if no other node holds the publisher lock (a transaction-scoped advisory
   * lock: released by commit, rollback or a dead connection). One publisher at a time keeps
   * each queue in sequence order across nodes.
   */
  async withPublisherLock<T>(fn: () => Promise<T>, timeoutMs: number): Promise<T | undefined> {
    return this.prisma.$transaction(
      async (tx) => {
        const [{ locked }] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtext('gateway:rabbitmq-publisher')::bigint) AS locked`;
        return locked ? fn() : undefined;
      },
      { timeout: timeoutMs, maxWait: timeoutMs },
    );
  }

  /**
   * Pending RabbitMQ deliveries, oldest first (uses the (status, createdAt) index), leaving out
   * `exclude` (rows already published whose attempts are still being written).
   */
  async findPending(limit: number, exclude: string[] = []): Promise<PendingPublish[]> {
    const { rows } = await this.prisma.pool.query<PendingPublish>(
      `SELECT "id", "instanceId", "target", "event", "url", "sequence", "body", "attempts", "createdAt"
         FROM "WebhookDelivery"
        WHERE "status" = 'pending' AND "target" = ANY($1::varchar[]) AND NOT ("id" = ANY($3::varchar[]))
        ORDER BY "createdAt", "sequence" NULLS FIRST, "id"
        LIMIT $2`,
      [RABBITMQ_TARGETS, limit, exclude],
    );
    return rows;
  }

  /**
   * The attempt rows of a publish batch and each delivery's new status, in one statement. Its
   * commit does not wait for the WAL flush (`synchronous_commit = off`, set inside the statement
   * for its own transaction): a "delivered" mark lost to a Postgres crash only publishes the
   * message again, with the same message_id, which the consumers deduplicate; the outbox INSERT
   * itself stays synchronous. Named, so each connection plans it once, and one round trip
   * (it was BEGIN + SET LOCAL, the statement re-planned each time, then COMMIT).
   */
  async recordPublishes(batch: PublishAttempt[]): Promise<void> {
    if (!batch.length) return;
    await this.prisma.pool.query({
      name: 'rabbitmq_record_publishes',
      text: `WITH async AS MATERIALIZED (
         SELECT set_config('synchronous_commit', 'off', true) AS v
       ), u AS (
         SELECT * FROM unnest($1::varchar[], $2::int[], $3::timestamp(3)[], $4::int[], $5::text[]) AS u(id, attempt, started_at, latency_ms, error)
       ), ins AS (
         INSERT INTO "WebhookAttempt" ("deliveryId", "attempt", "startedAt", "statusCode", "latencyMs", "error", "response")
         SELECT id, attempt, started_at, NULL, latency_ms, error, NULL FROM u
       )
       UPDATE "WebhookDelivery" AS w SET
         "status" = CASE WHEN u.error IS NULL THEN 'delivered' ELSE 'pending' END,
         "attempts" = w."attempts" + 1,
         "lastAttemptAt" = u.started_at,
         "lastError" = u.error,
         "deliveredAt" = CASE WHEN u.error IS NULL THEN u.started_at + u.latency_ms * interval '1 millisecond' ELSE w."deliveredAt" END
       FROM u, async
       WHERE w."id" = u.id AND async.v IS NOT NULL`,
      values: [
        batch.map((a) => a.deliveryId),
        batch.map((a) => a.attempt),
        batch.map((a) => a.startedAt.toISOString()),
        batch.map((a) => a.latencyMs),
        batch.map((a) => a.error),
      ],
    });
  }

  /** Pending count and oldest age, for /metrics. */
  async pendingStats(): Promise<{ count: number; oldestAgeSeconds: number }> {
    const { rows } = await this.prisma.pool.query<{ count: string; oldest: Date | null }>(
      `SELECT count(*) AS count, min("createdAt") AS oldest FROM "WebhookDelivery"
        WHERE "status" = 'pending' AND "target" = ANY($1::varchar[])`,
      [RABBITMQ_TARGETS],
    );
    const oldest = rows[0]?.oldest;
    return { count: Number(rows[0]?.count ?? 0), oldestAgeSeconds: oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0 };
  }
}
