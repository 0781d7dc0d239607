import { Injectable } from '@nestjs/common';
import { SecretCipher, secretContext } from '@gw/crypto';
import { PrismaService } from '../prisma.service';

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
 * serialised strings. The engine library owns the format; this only stores rows, each value
 * encrypted with the deployment's key and bound to its row (SecretCipher): a database dump alone
 * gives nobody a session. A value that does not decrypt throws SecretDecryptError.
 */
@Injectable()
export class AuthStateRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly cipher: SecretCipher,
  ) {}

  async readCreds(instanceId: string): Promise<string | null> {
    const row = await this.prisma.authCred.findUnique({ where: { instanceId } });
    return row ? this.cipher.decrypt(row.creds, secretContext.authCred(instanceId)) : null;
  }

  /** With a fence, the write only happens while the instance row still carries that fence. */
  async writeCreds(instanceId: string, plainCreds: string, fence?: number): Promise<void> {
    const creds = this.cipher.encrypt(plainCreds, secretContext.authCred(instanceId));
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
    const { rows } = await this.prisma.pool.query<{ keyId: string; value: string }>(
      `SELECT "keyId", "value" FROM "AuthKey" WHERE "instanceId" = $1::uuid AND "type" = $2 AND "keyId" = ANY($3::text[])`,
      [instanceId, type, ids],
    );
    return new Map(rows.map((r) => [r.keyId, this.cipher.decrypt(r.value, secretContext.authKey(instanceId, type, r.keyId))]));
  }

  /**
   * Applies all writes and deletes in ONE statement (atomic: a crash never leaves half a key
   * set): every decrypted message writes its session, under Baileys' per-socket message mutex,
   * so this round trip bounds how fast one instance takes in messages. With a fence, the owner
   * row is locked FOR SHARE in the same statement (a takeover, which updates the fence, waits
   * for it) and nothing is written unless this node still owns the instance.
   */
  async writeKeys(instanceId: string, writes: AuthKeyWrite[], fence?: number): Promise<void> {
    if (!writes.length) return;
    // The last write of a key wins (one row may not be touched twice by one statement).
    const latest = new Map<string, AuthKeyWrite>();
    for (const w of writes) latest.set(`${w.type}\u0000${w.id}`, w);
    const all = [...latest.values()];
    const deletes = all.filter((w) => w.value === null);
    const upserts = all.filter((w) => w.value !== null);
    const { rows } = await this.prisma.pool.query<{ owned: boolean }>(
      `WITH owner AS (
         SELECT 1 FROM "Instance" WHERE "id" = $1::uuid AND "ownerFence" = $2::bigint FOR SHARE
       ), ok AS (
         SELECT ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM owner)) AS owned
       ), del AS (
         DELETE FROM "AuthKey" k USING unnest($3::text[], $4::text[]) AS d(type, id)
         WHERE k."instanceId" = $1::uuid AND k."type" = d.type AND k."keyId" = d.id AND (SELECT owned FROM ok)
       ), ins AS (
         INSERT INTO "AuthKey" ("instanceId","type","keyId","value","updatedAt")
         SELECT $1::uuid, u.type, u.id, u.value, now() FROM unnest($5::text[], $6::text[], $7::text[]) AS u(type, id, value)
         WHERE (SELECT owned FROM ok)
         ON CONFLICT ("instanceId","type","keyId") DO UPDATE SET "value" = EXCLUDED."value", "updatedAt" = now()
       )
       SELECT owned FROM ok`,
      [
        instanceId,
        fence ?? null,
        deletes.map((d) => d.type),
        deletes.map((d) => d.id),
        upserts.map((u) => u.type),
        upserts.map((u) => u.id),
        upserts.map((u) => this.cipher.encrypt(u.value!, secretContext.authKey(instanceId, u.type, u.id))),
      ],
    );
    if (fence !== undefined && !rows[0]?.owned) throw new FencedOutError(instanceId, fence);
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
