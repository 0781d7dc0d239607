import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';
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
  constructor(private readonly prisma: PrismaService) {}

  /** New secret; the old one keeps signing until graceUntil so receivers can roll over. */
  async rotateSecret(instanceId: string, secret: string, graceUntil: Date): Promise<Webhook> {
    const current = await this.prisma.webhook.findUnique({ where: { instanceId } });
    return this.prisma.webhook.update({
      where: { instanceId },
      data: { secret, previousSecret: current?.secret ?? null, previousSecretExpiresAt: current?.secret ? graceUntil : null },
    });
  }

  find(instanceId: string): Promise<Webhook | null> {
    return this.prisma.webhook.findUnique({ where: { instanceId } });
  }

  upsert(instanceId: string, config: StoredWebhookConfig): Promise<Webhook> {
    const data = {
      ...config,
      // Saving a config re-enables a webhook that was switched off for failing.
      ...(config.enabled ? { disabledAt: null, disabledReason: null, failingSince: null } : {}),
      headers: (config.headers ?? Prisma.JsonNull) as Prisma.InputJsonValue,
      events: config.events as Prisma.InputJsonValue,
    };
    return this.prisma.webhook.upsert({ where: { instanceId }, create: { instanceId, ...data }, update: data });
  }
}
