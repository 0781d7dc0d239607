import { Injectable } from '@nestjs/common';
import { SecretCipher, secretContext } from '@gw/crypto';
import { GroupCommit } from '../group-commit.util';
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

interface KeyWriteItem {
  instanceId: string;
  writes: AuthKeyWrite[];
  fence?: number;
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
   * Key writes of every instance, group-committed (see GroupCommit): each decrypted message writes
   * a Signal session, so a fleet of instances would otherwise send one statement per message.
   */
  private readonly keyWrites = new GroupCommit<KeyWriteItem, boolean>((items) => this.writeKeyRows(items), {
    maxInFlight: 2,
    maxItems: 200,
    keyOf: (item) => item.instanceId,
  });

  /**
   * Applies all writes and deletes atomically (one statement, shared with other instances'
   * writes: a crash never leaves half a key set): every decrypted message writes its session,
   * under Baileys' per-socket message mutex, so this round trip bounds how fast one instance
   * takes in messages. With a fence, the owner row is locked FOR SHARE in the same statement (a
   * takeover, which updates the fence, waits for it) and nothing is written unless this node
   * still owns the instance.
   */
  async writeKeys(instanceId: string, writes: AuthKeyWrite[], fence?: number): Promise<void> {
    if (!writes.length) return;
    const owned = await this.keyWrites.submit({ instanceId, writes, fence });
    if (!owned) throw new FencedOutError(instanceId, fence!);
  }

  /** One statement for the writes of several instances; per instance, whether it still owns it. */
  private async writeKeyRows(items: KeyWriteItem[]): Promise<boolean[]> {
    const del: { iid: string; type: string; id: string }[] = [];
    const ups: { iid: string; type: string; id: string; value: string }[] = [];
    for (const { instanceId, writes } of items) {
      // The last write of a key wins (one row may not be touched twice by one statement).
      const latest = new Map<string, AuthKeyWrite>();
      for (const w of writes) latest.set(`${w.type}\u0000${w.id}`, w);
      for (const w of latest.values()) {
        if (w.value === null) del.push({ iid: instanceId, type: w.type, id: w.id });
        else ups.push({ iid: instanceId, type: w.type, id: w.id, value: this.cipher.encrypt(w.value, secretContext.authKey(instanceId, w.type, w.id)) });
      }
    }
    const { rows } = await this.prisma.pool.query<{ iid: string }>(
      `WITH req AS (
         SELECT * FROM unnest($1::uuid[], $2::bigint[]) AS r(iid, fence)
       ), owner AS (
         SELECT i."id" FROM "Instance" i JOIN req ON i."id" = req.iid AND i."ownerFence" = req.fence FOR SHARE OF i
       ), ok AS (
         SELECT req.iid FROM req WHERE req.fence IS NULL OR req.iid IN (SELECT "id" FROM owner)
       ), del AS (
         DELETE FROM "AuthKey" k USING unnest($3::uuid[], $4::text[], $5::text[]) AS d(iid, type, id)
         WHERE k."instanceId" = d.iid AND k."type" = d.type AND k."keyId" = d.id AND d.iid IN (SELECT iid FROM ok)
       ), ins AS (
         INSERT INTO "AuthKey" ("instanceId","type","keyId","value","updatedAt")
         SELECT u.iid, u.type, u.id, u.value, now() FROM unnest($6::uuid[], $7::text[], $8::text[], $9::text[]) AS u(iid, type, id, value)
         WHERE u.iid IN (SELECT iid FROM ok)
         ON CONFLICT ("instanceId","type","keyId") DO UPDATE SET "value" = EXCLUDED."value", "updatedAt" = now()
       )
       SELECT iid FROM ok`,
      [
        items.map((i) => i.instanceId),
        items.map((i) => i.fence ?? null),
        del.map((d) => d.iid),
        del.map((d) => d.type),
        del.map((d) => d.id),
        ups.map((u) => u.iid),
        ups.map((u) => u.type),
        ups.map((u) => u.id),
        ups.map((u) => u.value),
      ],
    );
    const owned = new Set(rows.map((r) => r.iid));
    return items.map((i) => owned.has(i.instanceId.toLowerCase()));
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
