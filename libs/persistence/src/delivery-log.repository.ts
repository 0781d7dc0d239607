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

  /** Next event number of the instance, from Postgres so it survives Redis outages and restarts. */
  async nextSequence(instanceId: string): Promise<number | null> {
    const rows = await this.prisma.$queryRawUnsafe<{ eventSequence: bigint }[]>(
      `UPDATE "Instance" SET "eventSequence" = "eventSequence" + 1 WHERE "id" = $1::uuid RETURNING "eventSequence"`,
      instanceId,
    );
    return rows.length ? Number(rows[0].eventSequence) : null;
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

  async insertDeliveries(rows: NewDelivery[]): Promise<void> {
    if (!rows.length) return;
    await this.prisma.webhookDelivery.createMany({
      data: rows.map((r) => ({ ...r, sequence: r.sequence === null ? null : BigInt(r.sequence) })),
      skipDuplicates: true,
    });
  }

  /** Writes a batch of attempts and moves each delivery to its new status, in one transaction. */
  async recordAttempts(batch: AttemptRecord[]): Promise<void> {
    if (!batch.length) return;
    const latest = new Map<string, AttemptRecord>();
    for (const a of batch) {
      const prev = latest.get(a.deliveryId);
      if (!prev || prev.attempt <= a.attempt) latest.set(a.deliveryId, a);
    }
    await this.prisma.$transaction([
      this.prisma.webhookAttempt.createMany({
        data: batch.map(({ outcome: _o, ...a }) => a),
      }),
      ...[...latest.values()].map((a) =>
        this.prisma.webhookDelivery.updateMany({
          where: { id: a.deliveryId },
          data: {
            status: a.outcome,
            attempts: { increment: batch.filter((b) => b.deliveryId === a.deliveryId).length },
            lastAttemptAt: a.startedAt,
            lastError: a.error ?? (a.statusCode && (a.statusCode < 200 || a.statusCode >= 300) ? `HTTP ${a.statusCode}` : null),
            ...(a.outcome === 'delivered' ? { deliveredAt: new Date(a.startedAt.getTime() + a.latencyMs) } : {}),
          },
        }),
      ),
    ]);
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
