import { HttpStatus, Injectable } from '@nestjs/common';
import { EvolutionException, badRequest, notFound } from '@gw/common';
import { DeliveryJob, DeliveryProducer } from '@gw/delivery';
import { parseEventName } from '@gw/events';
import { DeliveryLogRepository, InstanceWithConfig } from '@gw/persistence';
import { DeliveryQueryDto } from './dto/delivery-query.dto';

type Row = NonNullable<Awaited<ReturnType<DeliveryLogRepository['get']>>>;

const view = (r: Omit<Row, 'attemptLog' | 'body'>) => ({
  id: r.id,
  event: r.event,
  target: r.target,
  webhookId: r.webhookId,
  url: r.url,
  sequence: r.sequence === null ? null : Number(r.sequence),
  status: r.status,
  attempts: r.attempts,
  lastError: r.lastError,
  createdAt: r.createdAt,
  lastAttemptAt: r.lastAttemptAt,
  deliveredAt: r.deliveredAt,
});

const encodeCursor = (r: { createdAt: Date; id: string }) =>
  Buffer.from(`${r.createdAt.toISOString()}|${r.id}`).toString('base64url');

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at);
  if (!id || Number.isNaN(createdAt.getTime())) throw badRequest('cursor is not valid');
  return { createdAt, id };
}

@Injectable()
export class DeliveryLogService {
  constructor(
    private readonly log: DeliveryLogRepository,
    private readonly producer: DeliveryProducer,
  ) {}

  async list(instance: InstanceWithConfig, q: DeliveryQueryDto) {
    const event = q.event ? parseEventName(q.event) : undefined;
    if (q.event && !event) throw badRequest(`event ${q.event} is not a known event`);
    const limit = q.limit ?? 50;
    const rows = await this.log.list({
      instanceId: instance.id,
      status: q.status,
      event,
      webhookId: q.webhookId,
      since: q.since ? new Date(q.since) : undefined,
      until: q.until ? new Date(q.until) : undefined,
      limit,
      before: q.cursor ? decodeCursor(q.cursor) : undefined,
    });
    const deliveries = rows.map(({ attemptLog: [last], ...r }) => ({ ...view(r), lastStatusCode: last?.statusCode ?? null, lastLatencyMs: last?.latencyMs ?? null }));
    return { deliveries, nextCursor: rows.length === limit ? encodeCursor(rows[rows.length - 1]) : null };
  }

  async show(instance: InstanceWithConfig, id: string) {
    const row = await this.log.get(instance.id, id);
    if (!row) throw notFound(`Delivery "${id}" not found`);
    return {
      ...view(row),
      payload: row.body,
      attemptLog: row.attemptLog.map((a) => ({
        attempt: a.attempt,
        startedAt: a.startedAt,
        statusCode: a.statusCode,
        latencyMs: a.latencyMs,
        error: a.error,
        response: a.response,
      })),
    };
  }

  async redeliver(instance: InstanceWithConfig, id: string) {
    const row = await this.log.get(instance.id, id);
    if (!row) throw notFound(`Delivery "${id}" not found`);
    await this.producer.redeliver(this.toJob(instance, row));
    return { id, status: 'pending' };
  }

  async redeliverFailed(instance: InstanceWithConfig, since: Date) {
    const rows = await this.log.findFailedSince(instance.id, since);
    for (const row of rows) await this.producer.redeliver(this.toJob(instance, { ...row, attemptLog: [] }));
    return { count: rows.length, ids: rows.map((r) => r.id) };
  }

  private toJob(instance: InstanceWithConfig, row: Row): DeliveryJob {
    if (!row.body) {
      throw new EvolutionException(HttpStatus.CONFLICT, [`Delivery "${row.id}" was never sent (${row.lastError ?? row.status}); there is no body to redeliver`]);
    }
    // the webhook this delivery was made for (one of several), with its current headers
    const hook = row.target === 'instance' ? (instance.webhooks ?? []).find((w) => w.id === row.webhookId) : undefined;
    return {
      deliveryId: row.id,
      instanceId: instance.id,
      instanceName: instance.name,
      webhookId: row.target === 'instance' ? (hook?.id ?? row.webhookId) : null,
      target: row.target as 'instance' | 'global',
      event: parseEventName(row.event) ?? 'MESSAGES_UPSERT',
      url: row.url,
      headers: row.target === 'instance' && hook?.headers ? (hook.headers as Record<string, string>) : {},
      body: row.body,
      sequence: row.sequence === null ? null : Number(row.sequence),
      enqueuedAt: Date.now(),
      attemptOffset: row.attempts,
    };
  }
}
