import { Injectable } from '@nestjs/common';
import { secretContext } from '@gw/crypto';
import { PrismaService } from '../prisma.service';
import { SecretColumns } from '../secrets/secret-columns.service';

const CLOUD = 'WHATSAPP-BUSINESS';

/**
 * What the Cloud API engine needs to reach the Graph API for one instance. The engine's
 * CloudCredentialsStore port has this shape; the two are checked against each other where the
 * engine module is given this repository (InstancesModule), so storage needs no engine types.
 */
export interface StoredCloudCredentials {
  phoneNumberId: string;
  accessToken: string;
  businessId?: string | null;
}

/** Cloud API instances: their Graph API credentials and the dedupe receipts of Meta's notifications. */
@Injectable()
export class CloudApiRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly secrets: SecretColumns,
  ) {}

  async readCloudCredentials(instanceId: string): Promise<StoredCloudCredentials | null> {
    const row = await this.prisma.instance.findUnique({
      where: { id: instanceId },
      select: { integration: true, number: true, accessToken: true, businessId: true },
    });
    if (!row || row.integration !== CLOUD || !row.number || !row.accessToken) return null;
    const accessToken = this.secrets.cipher.decrypt(row.accessToken, secretContext.accessToken(instanceId));
    return { phoneNumberId: row.number, accessToken, businessId: row.businessId };
  }

  /** The Cloud API instance of a phone number id (Meta's metadata.phone_number_id). */
  findByPhoneNumberId(phoneNumberId: string): Promise<{ id: string; name: string } | null> {
    return this.prisma.instance.findFirst({
      where: { integration: CLOUD, number: phoneNumberId },
      select: { id: true, name: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  findByName(name: string): Promise<{ id: string; name: string; integration: string; number: string | null } | null> {
    return this.prisma.instance.findUnique({ where: { name }, select: { id: true, name: true, integration: true, number: true } });
  }

  /** Records the keys not seen before and returns them; a key already there is a duplicate. */
  async claim(instanceId: string, keys: string[]): Promise<Set<string>> {
    const unique = [...new Set(keys)];
    if (!unique.length) return new Set();
    const rows = await this.prisma.$queryRawUnsafe<{ eventKey: string }[]>(
      `INSERT INTO "MetaWebhookReceipt" ("instanceId","eventKey")
       SELECT $1::uuid, k FROM unnest($2::text[]) AS k
       ON CONFLICT DO NOTHING RETURNING "eventKey"`,
      instanceId,
      unique,
    );
    return new Set(rows.map((r) => r.eventKey));
  }

  /** Undoes a claim whose events could not be published, so Meta's (or our queue's) retry gets them. */
  async release(instanceId: string, keys: string[]): Promise<void> {
    if (!keys.length) return;
    await this.prisma.metaWebhookReceipt.deleteMany({ where: { instanceId, eventKey: { in: keys } } });
  }

  /** Meta stops retrying after 7 days; older receipts can go. */
  async purgeBefore(cutoff: Date): Promise<number> {
    const { count } = await this.prisma.metaWebhookReceipt.deleteMany({ where: { createdAt: { lt: cutoff } } });
    return count;
  }
}
