import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';
import { Prisma } from './persistence.types';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'refused' | 'gone' | 'too_large';

export interface NewDelivery {
  id: string;
  instanceId: string | null;
  instanceName: string | null;
  webhookId: string | null;
  target: 'instance' | 'global';
  event: string;
  url: string;
  sequence: number | null;
  status: DeliveryStatus;
  body: string;
  lastError?: string;
}

export interface AttemptRecord {
  deliveryId: string;
  attempt: number;
  startedAt: Date;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  response: string | null;
  /** Status of the delivery after this attempt. */
  outcome: DeliveryStatus;
}

export interface DeliveryFilter {
  instanceId: string;
  status?: DeliveryStatus;
  event?: string;
  since?: Date;
  until?: Date;
  limit: number;
  /** id of the last row of the previous page */
  before?: { createdAt: Date; id: string };
}

/** The attempt log: every delivery with its body, and every attempt with status, latency and an excerpt. */
@Injectable()
export class DeliveryLogRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Next event number of the instance, from Postgres so it survives Redis outages and restarts.
   * Concurrent calls share one UPDATE (`+ n` per instance, numbers handed out in call order):
   * one row lock and one commit per batch instead of per event.
   */
  nextSequence(instanceId: string): Promise<number | null> {
    return new Promise((resolve, reject) => {
      this.seqWaiting.push({ instanceId, resolve, reject });
      this.seqNext ??= this.seqRunning.then(() => this.allocateSequences());
      this.seqRunning = this.seqNext;
    });
  }

  private seqWaiting: { instanceId: string; resolve: (n: number | null) => void; reject: (e: unknown) => void }[] = [];
  private seqRunning: Promise<void> = Promise.resolve();
  private seqNext?: Promise<void>;

  private async allocateSequences(): Promise<void> {
    this.seqNext = undefined;
    const batch = this.seqWaiting;
    this.seqWaiting = [];
    const counts = new Map<string, number>();
    for (const w of batch) counts.set(w.instanceId, (counts.get(w.instanceId) ?? 0) + 1);
    try {
      const { rows } = await this.prisma.pool.query<{ id: string; eventSequence: string }>(
        `UPDATE "Instance" AS i SET "eventSequence" = i."eventSequence" + c.n
         FROM unnest($1::uuid[], $2::int[]) AS c(id, n) WHERE i."id" = c.id
         RETURNING i."id"::text AS id, i."eventSequence"`,
        [[...counts.keys()], [...counts.values()]],
      );
      // First number of each instance's block, then handed out in call order.
      const next = new Map(rows.map((r) => [r.id, Number(r.eventSequence) - counts.get(r.id)! + 1]));
      for (const w of batch) {
        const n = next.get(w.instanceId);
        if (n === undefined) w.resolve(null);
        else {
          w.resolve(n);
          next.set(w.instanceId, n + 1);
        }
      }
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }

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
   * One INSERT from arrays (skipping ids already there, like createMany's skipDuplicates), sent
   * through the pool directly: Prisma's query compiler would serialise every row (1 KB bodies
   * included) to JSON and back on each call.
   */
  async insertDeliveries(rows: NewDelivery[]): Promise<void> {
    if (!rows.length) return;
    await this.prisma.pool.query(
      `INSERT INTO "WebhookDelivery" ("id", "instanceId", "instanceName", "webhookId", "target", "event", "url", "sequence", "status", "body", "lastError")
       SELECT * FROM unnest($1::varchar[], $2::uuid[], $3::varchar[], $4::uuid[], $5::varchar[], $6::varchar[], $7::text[], $8::bigint[], $9::varchar[], $10::text[], $11::text[])
       ON CONFLICT ("id") DO NOTHING`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.instanceId),
        rows.map((r) => r.instanceName),
        rows.map((r) => r.webhookId),
        rows.map((r) => r.target),
        rows.map((r) => r.event),
        rows.map((r) => r.url),
        rows.map((r) => (r.sequence === null ? null : String(r.sequence))),
        rows.map((r) => r.status),
        rows.map((r) => r.body),
        rows.map((r) => r.lastError ?? null),
      ],
    );
  }

  /**
   * Writes a batch of attempts and moves each delivery to its new status in ONE statement (a CTE
   * inserting the attempts and updating the deliveries from arrays): one round trip and one query
   * plan whatever the batch size, instead of a Prisma createMany plus one updateMany per delivery.
   */
  async recordAttempts(batch: AttemptRecord[]): Promise<void> {
    if (!batch.length) return;
    const latest = new Map<string, { a: AttemptRecord; n: number }>();
    for (const a of batch) {
      const prev = latest.get(a.deliveryId);
      if (!prev) latest.set(a.deliveryId, { a, n: 1 });
      else latest.set(a.deliveryId, { a: prev.a.attempt <= a.attempt ? a : prev.a, n: prev.n + 1 });
    }
    const d = [...latest.values()];
    await this.prisma.pool.query(
      `WITH ins AS (
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
         AS u(id, status, n, last_at, last_error, delivered_at)
       WHERE w."id" = u.id`,
      [
        batch.map((a) => a.deliveryId),
        batch.map((a) => a.attempt),
        batch.map((a) => a.startedAt.toISOString()),
        batch.map((a) => a.statusCode),
        batch.map((a) => a.latencyMs),
        batch.map((a) => a.error),
        batch.map((a) => a.response),
        d.map(({ a }) => a.deliveryId),
        d.map(({ a }) => a.outcome),
        d.map(({ n }) => n),
        d.map(({ a }) => a.startedAt.toISOString()),
        d.map(({ a }) => a.error ?? (a.statusCode && (a.statusCode < 200 || a.statusCode >= 300) ? `HTTP ${a.statusCode}` : null)),
        d.map(({ a }) => (a.outcome === 'delivered' ? new Date(a.startedAt.getTime() + a.latencyMs).toISOString() : null)),
      ],
    );
  }

  /** The frozen body of a delivery (for a retry whose job no longer carries it). */
  async bodyOf(id: string): Promise<string> {
    const { rows } = await this.prisma.pool.query<{ body: string }>(`SELECT "body" FROM "WebhookDelivery" WHERE "id" = $1`, [id]);
    const row = rows[0];
    if (!row) throw new Error(`delivery ${id} is not in the attempt log`);
    return row.body;
  }

  async setStatus(ids: string[], status: DeliveryStatus): Promise<void> {
    await this.prisma.webhookDelivery.updateMany({ where: { id: { in: ids } }, data: { status } });
  }

  list(filter: DeliveryFilter) {
    const where: Prisma.WebhookDeliveryWhereInput = {
      instanceId: filter.instanceId,
      status: filter.status,
      event: filter.event,
      createdAt: { gte: filter.since, lte: filter.until },
    };
    if (filter.before) {
      where.OR = [
        { createdAt: { lt: filter.before.createdAt } },
        { createdAt: filter.before.createdAt, id: { lt: filter.before.id } },
      ];
    }
    return this.prisma.webhookDelivery.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: filter.limit,
      omit: { body: true },
    });
  }

  get(instanceId: string, id: string) {
    return this.prisma.webhookDelivery.findFirst({
      where: { id, instanceId },
      include: { attemptLog: { orderBy: { attempt: 'asc' } } },
    });
  }

  findFailedSince(instanceId: string, since: Date, limit = 10_000) {
    return this.prisma.webhookDelivery.findMany({
      where: { instanceId, status: { in: ['failed', 'gone'] }, createdAt: { gte: since } },
      orderBy: { createdAt: 'asc' },
      take: limit,
    });
  }

  /** Retention: drops finished deliveries older than the cutoff (attempts cascade). */
  async purgeOlderThan(cutoff: Date): Promise<number> {
    const res = await this.prisma.webhookDelivery.deleteMany({
      where: { createdAt: { lt: cutoff }, status: { not: 'pending' } },
    });
    return res.count;
  }
}
