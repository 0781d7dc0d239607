import { Injectable } from '@nestjs/common';
import { SecretCipher, secretContext } from '@gw/crypto';
import { GroupCommit, perInstanceWrites } from '../group-commit.util';
import { packTexts, packedStart, packedText } from '../packed-texts.util';
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

interface KeyReadItem {
  instanceId: string;
  type: string;
  ids: string[];
}

interface CredWriteItem {
  instanceId: string;
  /** Encrypted already. */
  creds: string;
  fence?: number;
}

/**
 * Key writes: the owner check and the upserts, `$first` being the upserts' first parameter. With
 * a fence the instance row is locked FOR KEY SHARE: a takeover (InstanceFenceRepository, which
 * locks the row FOR UPDATE) waits for the write, and a write after it sees the new fence. FOR
 * SHARE would also make every key write wait for the outbox's sequence UPDATE of the same row,
 * and the other way round: at 500 msg/s over 100 instances, log_lock_waits counted 82 such waits
 * over 2 ms (up to 20 ms) in one 10 s run, on the message path.
 */
const OWNED = `WITH req AS (
     SELECT * FROM unnest($1::uuid[], $2::bigint[]) AS r(iid, fence)
   ), owner AS (
     SELECT i."id" FROM "Instance" i JOIN req ON i."id" = req.iid AND i."ownerFence" = req.fence FOR KEY SHARE OF i
   ), ok AS (
     SELECT req.iid FROM req WHERE req.fence IS NULL OR req.iid IN (SELECT "id" FROM owner)
   )`;
/** The values travel packed in one binary parameter (see packTexts): a Signal session is ~3 KB of JSON, written per message. */
const upsertKeys = (first: number) => `INSERT INTO "AuthKey" ("instanceId","type","keyId","value","updatedAt")
     SELECT u.iid, u.type, u.id, ${packedText(`$${first + 4}`, 'u.value_at', 'u.value_bytes')}, now()
     FROM (SELECT a.*, ${packedStart('a.value_bytes', 'a.n')} AS value_at
             FROM unnest($${first}::uuid[], $${first + 1}::text[], $${first + 2}::text[], $${first + 3}::int[]) WITH ORDINALITY AS a(iid, type, id, value_bytes, n)) u
     WHERE u.iid IN (SELECT iid FROM ok)
     ON CONFLICT ("instanceId","type","keyId") DO UPDATE SET "value" = EXCLUDED."value", "updatedAt" = now()`;
/**
 * Most writes are a session update and no delete: that statement is named (planned once per
 * connection; planning it took 0.2 ms, three times its run, for each message). With deletes (a
 * pre-key used up) it is planned each time: a plan cached while the table was small would join
 * the keys to delete against a scan of the whole table.
 */
const WRITE_KEYS = `${OWNED}, ins AS (${upsertKeys(3)}) SELECT iid FROM ok`;
const WRITE_AND_DELETE_KEYS = `${OWNED}, del AS (
     DELETE FROM "AuthKey" k USING unnest($3::uuid[], $4::text[], $5::text[]) AS d(iid, type, id)
     WHERE k."instanceId" = d.iid AND k."type" = d.type AND k."keyId" = d.id AND d.iid IN (SELECT iid FROM ok)
   ), ins AS (${upsertKeys(6)})
   SELECT iid FROM ok`;

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

  /**
   * Reads of every instance, batched like the writes: a restore logs a thousand sessions in, each
   * reading its creds and a few keys, and one statement per read cost more CPU than the logins'
   * own crypto. Rows come back as stored; each caller decrypts its own (a value that does not
   * decrypt fails only its caller).
   */
  private readonly credReads = new GroupCommit<string, string | null>((ids) => this.readCredRows(ids), { maxInFlight: 2, maxItems: 500 });
  private readonly keyReads = new GroupCommit<KeyReadItem, Map<string, string>>((items) => this.readKeyRows(items), {
    maxInFlight: 2,
    maxItems: 200,
  });
  /** Creds writes of every instance, one statement per batch (each login writes its creds at least once). */
  private readonly credWrites = new GroupCommit<CredWriteItem, boolean>((items) => this.writeCredRows(items), perInstanceWrites());

  async readCreds(instanceId: string): Promise<string | null> {
    const stored = await this.credReads.submit(instanceId);
    return stored === null ? null : this.cipher.decrypt(stored, secretContext.authCred(instanceId));
  }

  private async readCredRows(ids: string[]): Promise<(string | null)[]> {
    const { rows } = await this.prisma.pool.query<{ iid: string; creds: string }>(
      `SELECT "instanceId"::text AS iid, "creds" FROM "AuthCred" WHERE "instanceId" = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.iid, r.creds]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  }

  /** With a fence, the write only happens while the instance row still carries that fence. */
  async writeCreds(instanceId: string, plainCreds: string, fence?: number): Promise<void> {
    const creds = this.cipher.encrypt(plainCreds, secretContext.authCred(instanceId));
    const written = await this.credWrites.submit({ instanceId, creds, fence });
    if (!written) throw new FencedOutError(instanceId, fence!);
  }

  /**
   * Upserts the creds of several instances; per instance, whether it was written (false: fenced
   * out). An unfenced write of a deleted instance fails on the foreign key, alone (GroupCommit).
   */
  private async writeCredRows(items: CredWriteItem[]): Promise<boolean[]> {
    const { rows } = await this.prisma.pool.query<{ iid: string }>(
      `INSERT INTO "AuthCred" ("instanceId","creds","updatedAt")
       SELECT u.iid, u.creds, now() FROM unnest($1::uuid[], $2::text[], $3::bigint[]) AS u(iid, creds, fence)
       WHERE u.fence IS NULL OR EXISTS (SELECT 1 FROM "Instance" i WHERE i."id" = u.iid AND i."ownerFence" = u.fence)
       ON CONFLICT ("instanceId") DO UPDATE SET "creds" = EXCLUDED."creds", "updatedAt" = now()
       RETURNING "instanceId"::text AS iid`,
      [items.map((i) => i.instanceId), items.map((i) => i.creds), items.map((i) => i.fence ?? null)],
    );
    const written = new Set(rows.map((r) => r.iid));
    return items.map((i) => written.has(i.instanceId.toLowerCase()));
  }

  async readKeys(instanceId: string, type: string, ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const stored = await this.keyReads.submit({ instanceId, type, ids });
    return new Map([...stored].map(([keyId, value]) => [keyId, this.cipher.decrypt(value, secretContext.authKey(instanceId, type, keyId))]));
  }

  /** The keys asked for by several instances, one statement; per item, its rows as stored. */
  private async readKeyRows(items: KeyReadItem[]): Promise<Map<string, string>[]> {
    const iids: string[] = [];
    const types: string[] = [];
    const keyIds: string[] = [];
    for (const { instanceId, type, ids } of items) {
      for (const id of ids) {
        iids.push(instanceId);
        types.push(type);
        keyIds.push(id);
      }
    }
    const { rows } = await this.prisma.pool.query<{ iid: string; type: string; keyId: string; value: string }>({
      // Named (planned once per connection, see PrismaService's pool): planning took longer than
      // running it (0.07-0.1 against 0.05-0.08 ms), two or three times per message.
      name: 'auth_keys_read',
      text: `SELECT k."instanceId"::text AS iid, k."type", k."keyId", k."value"
       FROM unnest($1::uuid[], $2::text[], $3::text[]) AS r(iid, type, id)
       JOIN "AuthKey" k ON k."instanceId" = r.iid AND k."type" = r.type AND k."keyId" = r.id`,
      values: [iids, types, keyIds],
    });
    const found = new Map<string, string>();
    for (const r of rows) found.set(`${r.iid}\u0000${r.type}\u0000${r.keyId}`, r.value);
    return items.map(({ instanceId, type, ids }) => {
      const out = new Map<string, string>();
      for (const id of ids) {
        const value = found.get(`${instanceId.toLowerCase()}\u0000${type}\u0000${id}`);
        if (value !== undefined) out.set(id, value);
      }
      return out;
    });
  }

  /**
   * Key writes of every instance, group-committed (see GroupCommit): each decrypted message writes
   * a Signal session, so a fleet of instances would otherwise send one statement per message.
   */
  private readonly keyWrites = new GroupCommit<KeyWriteItem, boolean>((items) => this.writeKeyRows(items), perInstanceWrites());

  /**
   * Applies all writes and deletes atomically (one statement, shared with other instances'
   * writes: a crash never leaves half a key set): every decrypted message writes its session,
   * under Baileys' per-socket message mutex, so this round trip bounds how fast one instance
   * takes in messages. With a fence, the owner row is locked FOR KEY SHARE in the same statement (a
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
    const owners = [items.map((i) => i.instanceId), items.map((i) => i.fence ?? null)];
    const values = packTexts(ups.map((u) => u.value));
    const upserts = [ups.map((u) => u.iid), ups.map((u) => u.type), ups.map((u) => u.id), values.lengths, values.bytes];
    const { rows } = del.length
      ? await this.prisma.pool.query<{ iid: string }>(WRITE_AND_DELETE_KEYS, [...owners, del.map((d) => d.iid), del.map((d) => d.type), del.map((d) => d.id), ...upserts])
      : await this.prisma.pool.query<{ iid: string }>({ name: 'auth_keys_write', text: WRITE_KEYS, values: [...owners, ...upserts] });
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
