import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import { SecretColumns } from '../secrets/secret-columns.service';
import { Prisma, Webhook } from '../persistence.types';

/** Message-event filters of one webhook (all optional, combined with AND). */
export interface WebhookFilters {
  fromMe?: boolean;
  chatTypes?: string[];
  includeJids?: string[];
  excludeJids?: string[];
  messageTypes?: string[];
}

/** One webhook config, in the shape every accepted request body is normalised to. */
export interface StoredWebhookConfig {
  url: string;
  enabled: boolean;
  webhookByEvents: boolean;
  webhookBase64: boolean;
  headers: Record<string, string> | null;
  events: string[];
  secret?: string | null;
  hubSignature?: boolean;
  ordered?: boolean;
  retrySchedule?: string | null;
  /** evolution (default) | cloud-api */
  format?: string;
  name?: string | null;
  filters?: WebhookFilters | null;
}

/** Which webhook: the instance's primary one, or one by id (always within the instance). */
export type WebhookRef = { instanceId: string; webhookId?: string };

@Injectable()
export class WebhookRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly secrets: SecretColumns,
  ) {}

  /** New secret; the old one keeps signing until graceUntil so receivers can roll over. */
  async rotateSecret(ref: WebhookRef | string, secret: string, graceUntil: Date): Promise<Webhook> {
    const { instanceId, webhookId } = typeof ref === 'string' ? { instanceId: ref, webhookId: undefined } : ref;
    const current = webhookId ? await this.findOne(instanceId, webhookId) : await this.find(instanceId);
    if (!current) throw new Error(`no such webhook of instance ${instanceId}`); // callers check first
    const row = await this.prisma.webhook.update({
      where: { id: current.id },
      data: {
        secret: this.secrets.encryptSecret(instanceId, secret),
        previousSecret: this.secrets.encryptPreviousSecret(instanceId, current.secret ?? null),
        previousSecretExpiresAt: current.secret ? graceUntil : null,
      },
    });
    return this.secrets.webhook(row);
  }

  /** The primary webhook. */
  async find(instanceId: string): Promise<Webhook | null> {
    return this.secrets.webhook(await this.prisma.webhook.findUnique({ where: { primaryFor: instanceId } }));
  }

  async findOne(instanceId: string, webhookId: string): Promise<Webhook | null> {
    return this.secrets.webhook(await this.prisma.webhook.findFirst({ where: { id: webhookId, instanceId } }));
  }

  async list(instanceId: string): Promise<Webhook[]> {
    const rows = await this.prisma.webhook.findMany({ where: { instanceId }, orderBy: { createdAt: 'asc' } });
    return rows.map((r) => this.secrets.webhook(r));
  }

  async count(instanceId: string): Promise<number> {
    return this.prisma.webhook.count({ where: { instanceId } });
  }

  /** Creates or replaces the primary webhook (Evolution's /webhook/set). */
  async upsert(instanceId: string, config: StoredWebhookConfig): Promise<Webhook> {
    const data = this.columns(instanceId, config);
    return this.secrets.webhook(
      await this.prisma.webhook.upsert({ where: { primaryFor: instanceId }, create: { instanceId, primaryFor: instanceId, ...data }, update: data }),
    );
  }

  /** An additional (non-primary) webhook. */
  async create(instanceId: string, config: StoredWebhookConfig): Promise<Webhook> {
    return this.secrets.webhook(await this.prisma.webhook.create({ data: { instanceId, ...this.columns(instanceId, config) } }));
  }

  /** Replaces one webhook's config; null when it is not a webhook of this instance. */
  async update(instanceId: string, webhookId: string, config: StoredWebhookConfig): Promise<Webhook | null> {
    const res = await this.prisma.webhook.updateMany({ where: { id: webhookId, instanceId }, data: this.columns(instanceId, config) });
    return res.count ? this.findOne(instanceId, webhookId) : null;
  }

  async delete(instanceId: string, webhookId: string): Promise<boolean> {
    return (await this.prisma.webhook.deleteMany({ where: { id: webhookId, instanceId } })).count > 0;
  }

  private columns(instanceId: string, config: StoredWebhookConfig) {
    const { filters, ...rest } = config;
    return {
      ...rest,
      ...(config.secret !== undefined ? { secret: this.secrets.encryptSecret(instanceId, config.secret) } : {}),
      // Saving a config re-enables a webhook that was switched off for failing.
      ...(config.enabled ? { disabledAt: null, disabledReason: null, failingSince: null } : {}),
      headers: (this.secrets.encryptHeaders(instanceId, config.headers) ?? Prisma.JsonNull) as Prisma.InputJsonValue,
      events: config.events as Prisma.InputJsonValue,
      ...(filters !== undefined ? { filters: (filters ?? Prisma.JsonNull) as Prisma.InputJsonValue } : {}),
    };
  }

  /** Signing secrets and health of one webhook, read at send time by the delivery worker. */
  async findSigning(webhookId: string) {
    const row = await this.prisma.webhook.findUnique({
      where: { id: webhookId },
      select: { instanceId: true, secret: true, previousSecret: true, previousSecretExpiresAt: true, hubSignature: true, failingSince: true, enabled: true },
    });
    return this.secrets.webhook(row);
  }

  /** Health: the webhook delivered again, it is no longer failing. */
  async clearFailing(webhookId: string): Promise<void> {
    await this.prisma.webhook.updateMany({ where: { id: webhookId }, data: { failingSince: null } });
  }

  /** Health: the first failure after a success starts the clock (a later one does not move it). */
  async markFailing(webhookId: string, since: Date): Promise<void> {
    await this.prisma.webhook.updateMany({ where: { id: webhookId, failingSince: null }, data: { failingSince: since } });
  }

  /** Switches an enabled webhook off; false when it already was (another worker got there first). */
  async disable(webhookId: string, reason: string, at: Date): Promise<boolean> {
    const res = await this.prisma.webhook.updateMany({
      where: { id: webhookId, enabled: true },
      data: { enabled: false, disabledAt: at, disabledReason: reason },
    });
    return res.count > 0;
  }

  /** Headers and retry schedules of webhooks, by id (the outbox sweep re-queues their deliveries). */
  async findDeliveryFields(ids: string[]): Promise<Map<string, { headers: Record<string, string> | null; retrySchedule: string | null }>> {
    const rows = ids.length
      ? await this.prisma.webhook.findMany({
          where: { id: { in: [...new Set(ids)] } },
          select: { id: true, instanceId: true, headers: true, retrySchedule: true },
        })
      : [];
    return new Map(rows.map((w) => [w.id, { headers: this.secrets.decryptHeaders(w.instanceId, w.headers), retrySchedule: w.retrySchedule }]));
  }
}
