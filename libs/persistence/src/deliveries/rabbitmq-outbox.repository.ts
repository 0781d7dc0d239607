import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import { DeliveryLogRepository, NewDelivery, RABBITMQ_TARGETS, RabbitmqTarget } from './delivery-log.repository';

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
  constructor(
    private readonly prisma: PrismaService,
    private readonly log: DeliveryLogRepository,
  ) {}

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
   * Records a publish batch: a row's first publish the broker confirmed only in the row's own
   * columns (see DeliveryLogRepository.recordAttempts: no attempt row, nothing a publish has
   * beyond them), any other publish (refused, unconfirmed, or a row published before) as an
   * attempt row with the row's new status. Both commit asynchronously: a "delivered" mark lost to
   * a Postgres crash only publishes the message again, with the same message_id. A publish has no
   * HTTP status or answer; an unconfirmed one stays pending.
   */
  recordPublishes(batch: PublishAttempt[]): Promise<void> {
    // Fields spelled out: a spread copy of each attempt was 3 % of the publishing process's CPU (bench/rabbitmq profile).
    return this.log.recordAttempts(
      batch.map((a) => ({
        deliveryId: a.deliveryId,
        attempt: a.attempt,
        startedAt: a.startedAt,
        latencyMs: a.latencyMs,
        error: a.error,
        statusCode: null,
        response: null,
        outcome: a.error ? 'pending' : 'delivered',
      })),
    );
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
