import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';
import { SecretColumns } from './secret-columns.service';
import { Prisma, Webhook } from './persistence.types';

/** One webhook config per instance, in the shape every accepted request body is normalised to. */
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
}

@Injectable()
export class WebhookRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly secrets: SecretColumns,
  ) {}

  /** New secret; the old one keeps signing until graceUntil so receivers can roll over. */
  async rotateSecret(instanceId: string, secret: string, graceUntil: Date): Promise<Webhook> {
    const current = await this.find(instanceId);
    const row = await this.prisma.webhook.update({
      where: { instanceId },
      data: {
        secret: this.secrets.encryptSecret(instanceId, secret),
        previousSecret: this.secrets.encryptPreviousSecret(instanceId, current?.secret ?? null),
        previousSecretExpiresAt: current?.secret ? graceUntil : null,
      },
    });
    return this.secrets.webhook(row);
  }

  async find(instanceId: string): Promise<Webhook | null> {
    return this.secrets.webhook(await this.prisma.webhook.findUnique({ where: { instanceId } }));
  }

  async upsert(instanceId: string, config: StoredWebhookConfig): Promise<Webhook> {
    const data = {
      ...config,
      ...(config.secret !== undefined ? { secret: this.secrets.encryptSecret(instanceId, config.secret) } : {}),
      // Saving a config re-enables a webhook that was switched off for failing.
      ...(config.enabled ? { disabledAt: null, disabledReason: null, failingSince: null } : {}),
      headers: (this.secrets.encryptHeaders(instanceId, config.headers) ?? Prisma.JsonNull) as Prisma.InputJsonValue,
      events: config.events as Prisma.InputJsonValue,
    };
    return this.secrets.webhook(await this.prisma.webhook.upsert({ where: { instanceId }, create: { instanceId, ...data }, update: data }));
  }

  /** Signing secrets and health of one webhook, read at send time by the delivery worker. */
  async findSigning(webhookId: string) {
    const row = await this.prisma.webhook.findUnique({
      where: { id: webhookId },
      select: { instanceId: true, secret: true, previousSecret: true, previousSecretExpiresAt: true, hubSignature: true, failingSince: true, enabled: true },
    });
    return this.secrets.webhook(row);
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
