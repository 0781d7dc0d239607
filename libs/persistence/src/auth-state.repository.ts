import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';

/** A write from a node that no longer owns the instance (a newer lease exists). */
export class FencedOutError extends Error {
  constructor(instanceId: string, fence: number) {
    super(`instance ${instanceId}: write refused, fence ${fence} is stale (another node owns the instance)`);
    this.name = 'FencedOutError';
  }
}

export interface AuthKeyWrite {
  type: string;
  id: string;
  /** Serialised value, or null to delete the key. */
  value: string | null;
}

/**
 * The complete WhatsApp auth state of each instance (creds + signal keys) as opaque
 * serialised strings. The engine library owns the format; this only stores rows.
 */
@Injectable()
export class AuthStateRepository {
  constructor(private readonly prisma: PrismaService) {}

  async readCreds(instanceId: string): Promise<string | null> {
    const row = await this.prisma.authCred.findUnique({ where: { instanceId } });
    return row?.creds ?? null;
  }

  /** With a fence, the write only happens while the instance row still carries that fence. */
  async writeCreds(instanceId: string, creds: string, fence?: number): Promise<void> {
    if (fence === undefined) {
      await this.prisma.authCred.upsert({ where: { instanceId }, create: { instanceId, creds }, update: { creds } });
      return;
    }
    const n = await this.prisma.$executeRawUnsafe(
      `INSERT INTO "AuthCred" ("instanceId","creds","updatedAt")
       SELECT $1::uuid, $2, now() WHERE EXISTS (SELECT 1 FROM "Instance" WHERE "id" = $1::uuid AND "ownerFence" = $3)
       ON CONFLICT ("instanceId") DO UPDATE SET "creds" = EXCLUDED."creds", "updatedAt" = now()`,
      instanceId,
      creds,
      fence,
    );
    if (!n) throw new FencedOutError(instanceId, fence);
  }

  async readKeys(instanceId: string, type: string, ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await this.prisma.authKey.findMany({
      where: { instanceId, type, keyId: { in: ids } },
      select: { keyId: true, value: true },
    });
    return new Map(rows.map((r) => [r.keyId, r.value]));
  }

  /** Applies all writes and deletes in one transaction, so a crash never leaves half a key set. */
  async writeKeys(instanceId: string, writes: AuthKeyWrite[], fence?: number): Promise<void> {
    if (!writes.length) return;
    const deletes = writes.filter((w) => w.value === null);
    const upserts = writes.filter((w): w is AuthKeyWrite & { value: string } => w.value !== null);
    await this.prisma.$transaction(async (tx) => {
      if (fence !== undefined) {
        // FOR SHARE: a takeover (which updates the fence) waits until this batch is written.
        const owner = await tx.$queryRawUnsafe<unknown[]>(
          `SELECT 1 FROM "Instance" WHERE "id" = $1::uuid AND "ownerFence" = $2 FOR SHARE`,
          instanceId,
          fence,
        );
        if (!owner.length) throw new FencedOutError(instanceId, fence);
      }
      for (const type of new Set(deletes.map((d) => d.type))) {
        const ids = deletes.filter((d) => d.type === type).map((d) => d.id);
        await tx.authKey.deleteMany({ where: { instanceId, type, keyId: { in: ids } } });
      }
      if (upserts.length) {
        // One statement for the batch: key uploads write hundreds of pre-keys at once.
        const values: unknown[] = [];
        const tuples = upserts.map((u, i) => {
          values.push(instanceId, u.type, u.id, u.value);
          const b = i * 4;
          return `($${b + 1}::uuid, $${b + 2}, $${b + 3}, $${b + 4}, now())`;
        });
        await tx.$executeRawUnsafe(
          `INSERT INTO "AuthKey" ("instanceId","type","keyId","value","updatedAt") VALUES ${tuples.join(',')}
           ON CONFLICT ("instanceId","type","keyId") DO UPDATE SET "value" = EXCLUDED."value", "updatedAt" = now()`,
          ...values,
        );
      }
    });
  }

  async clear(instanceId: string): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.authKey.deleteMany({ where: { instanceId } }),
      this.prisma.authCred.deleteMany({ where: { instanceId } }),
    ]);
  }

  async countRows(instanceId: string): Promise<number> {
    const [creds, keys] = await Promise.all([
      this.prisma.authCred.count({ where: { instanceId } }),
      this.prisma.authKey.count({ where: { instanceId } }),
    ]);
    return creds + keys;
  }
}
