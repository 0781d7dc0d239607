import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { secureEquals, type InstanceIdentity, type InstanceLookup } from '@gw/common';
import { GroupCommit } from '../group-commit.util';
import { PrismaService } from '../prisma.service';
import { ConnectionUpdate, applyConnectionUpdates } from './connection-update.batch';
import { SecretColumns } from '../secrets/secret-columns.service';
import { Instance, Prisma, Setting, Webhook } from '../persistence.types';
import type { StoredWebhookConfig } from '../webhooks/webhook.repository';

/**
 * A name from a URL (`/webhook/find/a%00b`) may hold U+0000, which no stored name does (create
 * refuses it) and which Postgres refuses in a query (a 500): such a name is simply not found.
 */
const storableName = (name: string): boolean => !name.includes('\u0000');

/**
 * `webhook` is the primary webhook (Evolution's /webhook/set and /webhook/find); `webhooks` all
 * of them, the primary included (absent only on hand-made rows in tests).
 */
export type InstanceWithConfig = Instance & { webhook: Webhook | null; webhooks?: Webhook[]; setting: Setting | null };

type InstanceRow = Instance & { webhooks: Webhook[]; setting: Setting | null };

/** Webhooks in creation order: the list routes and the router see them the same way every time. */
const WITH_CONFIG = { webhooks: { orderBy: { createdAt: 'asc' } }, setting: true } satisfies Prisma.InstanceInclude;

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
  constructor(
    private readonly prisma: PrismaService,
    private readonly secrets: SecretColumns,
  ) {}

  async findByName(name: string): Promise<InstanceIdentity | null> {
    if (!storableName(name)) return null;
    const row = await this.prisma.instance.findUnique({ where: { name }, select: { id: true, name: true, token: true } });
    return row && this.secrets.instance(row);
  }

  /**
   * By the token's lookup hash (under each key of the ring, and unkeyed for rows not rotated
   * yet), then the decrypted token is compared in constant time: no row is decrypted in vain.
   */
  async findByToken(token: string): Promise<InstanceIdentity | null> {
    const rows = await this.prisma.instance.findMany({
      where: { tokenHash: { in: this.secrets.tokens.candidates(token) } },
      select: { id: true, name: true, token: true },
    });
    for (const row of rows) {
      const identity = this.secrets.instance(row);
      if (secureEquals(identity.token, token)) return identity;
    }
    return null;
  }

  /**
   * The webhook router looks each instance up when its first event goes out (WebhookTargetCache):
   * a restore's thousand `connecting` events share statements instead of three queries each.
   * Rows come back as stored; each caller decrypts its own.
   */
  private readonly byId = new GroupCommit<string, InstanceRow | null>(
    async (ids) => {
      const rows = await this.prisma.instance.findMany({ where: { id: { in: ids } }, include: WITH_CONFIG });
      const found = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => found.get(id.toLowerCase()) ?? null);
    },
    { maxInFlight: 2, maxItems: 200 },
  );

  async findById(id: string): Promise<InstanceWithConfig | null> {
    const row = await this.byId.submit(id);
    return row && this.decrypt(row);
  }

  async findFullByName(name: string): Promise<InstanceWithConfig | null> {
    if (!storableName(name)) return null;
    const row = await this.prisma.instance.findUnique({ where: { name }, include: WITH_CONFIG });
    return row && this.decrypt(row);
  }

  async list(filter: { id?: string; name?: string }): Promise<InstanceWithConfig[]> {
    const rows = await this.prisma.instance.findMany({
      where: { id: filter.id, name: filter.name },
      include: WITH_CONFIG,
      orderBy: { createdAt: 'asc' },
    });
    return rows.map((r) => this.decrypt(r));
  }

  /**
   * Instances that can reconnect without a QR: a stored WhatsApp session, or Cloud API credentials.
   * Rows only (the restorer needs names and states): secrets stay encrypted and unread here.
   */
  async listWithSession(): Promise<Omit<Instance, 'token' | 'tokenHash' | 'accessToken'>[]> {
    return this.prisma.instance.findMany({
      where: { OR: [{ authCred: { isNot: null } }, { integration: 'WHATSAPP-BUSINESS', accessToken: { not: null } }] },
      omit: { token: true, tokenHash: true, accessToken: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  async create(input: NewInstance): Promise<InstanceWithConfig> {
    // The id is made here: it is part of every encrypted value's associated data.
    const id = randomUUID();
    const row = await this.prisma.instance.create({
      data: {
        id,
        name: input.name,
        ...this.secrets.tokenColumns(id, input.token),
        integration: input.integration,
        number: input.number ?? null,
        businessId: input.businessId ?? null,
        accessToken: this.secrets.encryptAccessToken(id, input.accessToken),
        webhooks: input.webhook
          ? {
              create: {
                ...input.webhook,
                primaryFor: id,
                filters: (input.webhook.filters ?? Prisma.JsonNull) as Prisma.InputJsonValue,
                secret: this.secrets.encryptSecret(id, input.webhook.secret),
                headers: (this.secrets.encryptHeaders(id, input.webhook.headers) ?? Prisma.JsonNull) as Prisma.InputJsonValue,
                events: input.webhook.events as Prisma.InputJsonValue,
              },
            }
          : undefined,
        setting: { create: input.setting },
      },
      include: WITH_CONFIG,
    });
    return this.decrypt(row);
  }

  /**
   * Every login writes its instance's state (connecting, then open): during a restore of a
   * thousand sessions those share statements. Keyed by instance, so one instance's updates
   * still land in order. An update racing a delete does nothing (and does not throw).
   */
  private readonly connectionUpdates = new GroupCommit<ConnectionUpdate, void>(
    async (items) => {
      await applyConnectionUpdates(this.prisma.pool, items);
      return items.map(() => undefined);
    },
    { maxInFlight: 2, maxItems: 200, keyOf: (item) => item.instanceId },
  );

  updateConnection(id: string, fields: ConnectionFields): Promise<void> {
    return this.connectionUpdates.submit({ instanceId: id, fields });
  }

  async updateToken(id: string, token: string): Promise<void> {
    await this.prisma.instance.update({ where: { id }, data: this.secrets.tokenColumns(id, token) });
  }

  private decrypt(row: InstanceRow): InstanceWithConfig {
    const webhooks = row.webhooks.map((w) => this.secrets.webhook(w));
    return { ...this.secrets.instance(row), webhook: webhooks.find((w) => w.primaryFor) ?? null, webhooks };
  }

  async delete(id: string): Promise<void> {
    await this.prisma.instance.deleteMany({ where: { id } });
  }
}
