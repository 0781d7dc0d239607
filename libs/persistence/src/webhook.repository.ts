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
}

@Injectable()
export class WebhookRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(instanceId: string): Promise<Webhook | null> {
    return this.prisma.webhook.findUnique({ where: { instanceId } });
  }

  upsert(instanceId: string, config: StoredWebhookConfig): Promise<Webhook> {
    const data = {
      ...config,
      headers: (config.headers ?? Prisma.JsonNull) as Prisma.InputJsonValue,
      events: config.events as Prisma.InputJsonValue,
    };
    return this.prisma.webhook.upsert({ where: { instanceId }, create: { instanceId, ...data }, update: data });
  }
}
