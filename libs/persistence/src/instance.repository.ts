import { Injectable } from '@nestjs/common';
import type { InstanceIdentity, InstanceLookup } from '@gw/common';
import { PrismaService } from './prisma.service';
import { Instance, Prisma, Setting, Webhook } from './persistence.types';
import type { StoredWebhookConfig } from './webhook.repository';

export type InstanceWithConfig = Instance & { webhook: Webhook | null; setting: Setting | null };

export interface NewInstance {
  name: string;
  token: string;
  integration: string;
  number?: string | null;
  businessId?: string | null;
  /** WHATSAPP-BUSINESS: Graph API access token. */
  accessToken?: string | null;
  webhook?: StoredWebhookConfig | null;
  setting: Omit<Prisma.SettingCreateWithoutInstanceInput, 'instance'>;
}

export type ConnectionFields = Partial<
  Pick<
    Instance,
    | 'connectionStatus'
    | 'ownerJid'
    | 'profileName'
    | 'profilePicUrl'
    | 'disconnectionReasonCode'
    | 'disconnectionObject'
    | 'disconnectionAt'
    | 'number'
  >
>;

@Injectable()
export class InstanceRepository implements InstanceLookup {
  constructor(private readonly prisma: PrismaService) {}

  findByName(name: string): Promise<InstanceIdentity | null> {
    return this.prisma.instance.findUnique({ where: { name }, select: { id: true, name: true, token: true } });
  }

  findByToken(token: string): Promise<InstanceIdentity | null> {
    return this.prisma.instance.findUnique({ where: { token }, select: { id: true, name: true, token: true } });
  }

  findById(id: string): Promise<InstanceWithConfig | null> {
    return this.prisma.instance.findUnique({ where: { id }, include: { webhook: true, setting: true } });
  }

  findFullByName(name: string): Promise<InstanceWithConfig | null> {
    return this.prisma.instance.findUnique({ where: { name }, include: { webhook: true, setting: true } });
  }

  list(filter: { id?: string; name?: string }): Promise<InstanceWithConfig[]> {
    return this.prisma.instance.findMany({
      where: { id: filter.id, name: filter.name },
      include: { webhook: true, setting: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** Instances that can reconnect without a QR: a stored WhatsApp session, or Cloud API credentials. */
  async listWithSession(): Promise<Instance[]> {
    return this.prisma.instance.findMany({
      where: { OR: [{ authCred: { isNot: null } }, { integration: 'WHATSAPP-BUSINESS', accessToken: { not: null } }] },
      orderBy: { createdAt: 'asc' },
    });
  }

  create(input: NewInstance): Promise<InstanceWithConfig> {
    return this.prisma.instance.create({
      data: {
        name: input.name,
        token: input.token,
        integration: input.integration,
        number: input.number ?? null,
        businessId: input.businessId ?? null,
        accessToken: input.accessToken ?? null,
        webhook: input.webhook
          ? {
              create: {
                ...input.webhook,
                headers: (input.webhook.headers ?? Prisma.JsonNull) as Prisma.InputJsonValue,
                events: input.webhook.events as Prisma.InputJsonValue,
              },
            }
          : undefined,
        setting: { create: input.setting },
      },
      include: { webhook: true, setting: true },
    });
  }

  async updateConnection(id: string, fields: ConnectionFields): Promise<void> {
    // updateMany: a connection update racing a delete must not throw.
    await this.prisma.instance.updateMany({ where: { id }, data: fields });
  }

  async updateToken(id: string, token: string): Promise<void> {
    await this.prisma.instance.update({ where: { id }, data: { token } });
  }

  async delete(id: string): Promise<void> {
    await this.prisma.instance.deleteMany({ where: { id } });
  }
}
