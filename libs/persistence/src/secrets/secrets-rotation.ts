import type { Pool } from 'pg';
import { SecretCipher, TokenHasher, secretContext } from '@gw/crypto';

export interface RotationProgress {
  table: string;
  done: number;
  total: number;
  failed: number;
}

export interface RotationOptions {
  batchSize: number;
  /** Pause between batches, so a running gateway keeps its share of the database. */
  pauseMs: number;
  onProgress?: (p: RotationProgress) => void;
  /** A row that could not be re-encrypted (the reason never contains the value). */
  onFailure?: (table: string, row: string, reason: string) => void;
}

export interface RotationReport {
  rewritten: number;
  failed: number;
  byTable: Record<string, RotationProgress>;
}

type Row = Record<string, unknown>;

interface TableSpec {
  table: string;
  /** Primary-key columns, in keyset order. */
  key: string[];
  /** Secret columns: read, rewritten, and compared on update. */
  columns: string[];
  /** Other columns the rewrite needs (read only). */
  extra?: string[];
  /** SQL condition: the row holds something not yet under the primary key ($1 = 'enc:v1:<primary>:%', $2 = '<primary>:%'). */
  stale: string;
  /** New values for the stale row, or null when nothing changes. */
  rewrite(row: Row): Row | null;
}

/**
 * `npm run secrets:rotate`: re-encrypts every secret under the ring's primary key, and encrypts
 * plaintext rows written before a key existed. Bounded batches in primary-key order, each row
 * updated only if it still holds what was read (compare-and-set), so it runs next to live
 * gateways (whose own writes already use the primary key). Idempotent, hence resumable: a rerun
 * only finds the rows that are not done.
 */
export class SecretsRotation {
  constructor(
    private readonly pool: Pool,
    private readonly cipher: SecretCipher,
    private readonly tokens: TokenHasher,
  ) {}

  async run(options: RotationOptions): Promise<RotationReport> {
    const primary = this.cipher.ring.primary;
    if (!primary) throw new Error('no ENCRYPTION_KEYS configured: there is no key to encrypt with');
    const params = [`enc:v1:${primary.id}:%`, `${primary.id}:%`];
    const report: RotationReport = { rewritten: 0, failed: 0, byTable: {} };
    for (const spec of this.specs()) {
      const progress = await this.rotateTable(spec, params, options);
      report.byTable[spec.table] = progress;
      report.rewritten += progress.done;
      report.failed += progress.failed;
    }
    return report;
  }

  private async rotateTable(spec: TableSpec, params: string[], options: RotationOptions): Promise<RotationProgress> {
    const q = (c: string) => `"${c}"`;
    const { rows: countRows } = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${spec.table}" WHERE (${spec.stale}) AND $2::text IS NOT NULL`, params);
    const progress: RotationProgress = { table: spec.table, done: 0, total: Number(countRows[0].n), failed: 0 };
    options.onProgress?.({ ...progress });
    if (!progress.total) return progress;
    const keyList = spec.key.map(q).join(',');
    let after: unknown[] | undefined;
    for (;;) {
      const keyset = after ? `AND (${keyList}) > (${spec.key.map((_, i) => `$${i + 4}`).join(',')})` : '';
      const { rows } = await this.pool.query<Row>(
        `SELECT ${[...spec.key, ...spec.columns, ...(spec.extra ?? [])].map(q).join(',')} FROM "${spec.table}"
         WHERE (${spec.stale}) AND $2::text IS NOT NULL ${keyset} ORDER BY ${keyList} LIMIT $3`,
        [...params, options.batchSize, ...(after ?? [])],
      );
      if (!rows.length) break;
      const updates: { row: Row; next: Row }[] = [];
      for (const row of rows) {
        try {
          const next = spec.rewrite(row);
          if (next) updates.push({ row, next });
        } catch (err) {
          progress.failed++;
          options.onFailure?.(spec.table, spec.key.map((k) => String(row[k])).join('/'), (err as Error).message);
        }
      }
      if (updates.length) progress.done += await this.writeBatch(spec, updates);
      after = spec.key.map((k) => rows[rows.length - 1][k]);
      options.onProgress?.({ ...progress });
      if (rows.length < options.batchSize) break;
      if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
    }
    return progress;
  }

  /**
   * One statement per batch. Compare-and-set on every secret column read: a row the gateway wrote
   * meanwhile (already under the new key) is left alone. Returns the rows updated.
   */
  private async writeBatch(spec: TableSpec, updates: { row: Row; next: Row }[]): Promise<number> {
    const q = (c: string) => `"${c}"`;
    const keyType = (k: string) => (k === 'instanceId' || k === 'id' ? 'uuid' : 'text');
    const asText = (c: string, v: unknown) => (c === 'headers' ? JSON.stringify(v ?? null) : (v as string | null));
    const params: unknown[][] = [
      ...spec.key.map((k) => updates.map((u) => u.row[k])),
      ...spec.columns.map((c) => updates.map((u) => asText(c, u.row[c]))),
      ...spec.columns.map((c) => updates.map((u) => asText(c, u.next[c]))),
    ];
    const types = [...spec.key.map(keyType), ...spec.columns.map(() => 'text'), ...spec.columns.map(() => 'text')];
    const names = [...spec.key.map((k) => `k_${k}`), ...spec.columns.map((c) => `o_${c}`), ...spec.columns.map((c) => `n_${c}`)];
    const jsonb = (c: string, expr: string) => (c === 'headers' ? `${expr}::jsonb` : expr);
    const res = await this.pool.query(
      `UPDATE "${spec.table}" t SET ${spec.columns.map((c) => `${q(c)} = ${jsonb(c, `u.${q(`n_${c}`)}`)}`).join(', ')}
       FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) AS u(${names.map(q).join(', ')})
       WHERE ${spec.key.map((k) => `t.${q(k)} = u.${q(`k_${k}`)}`).join(' AND ')}
         AND ${spec.columns
           .map((c) =>
             // JSON null and SQL NULL both read as null: compare them as one.
             c === 'headers' ? `COALESCE(t.${q(c)}, 'null'::jsonb) = u.${q(`o_${c}`)}::jsonb` : `t.${q(c)} IS NOT DISTINCT FROM u.${q(`o_${c}`)}`,
           )
           .join(' AND ')}`,
      params,
    );
    return res.rowCount ?? 0;
  }

  private specs(): TableSpec[] {
    const c = this.cipher;
    const again = (stored: string | null, context: string) => (stored === null ? null : c.encrypt(c.decrypt(stored, context), context));
    const stale = (col: string) => `("${col}" IS NOT NULL AND "${col}" NOT LIKE $1)`;
    return [
      {
        table: 'AuthCred',
        key: ['instanceId'],
        columns: ['creds'],
        stale: stale('creds'),
        rewrite: (r) => ({ creds: again(r.creds as string, secretContext.authCred(r.instanceId as string)) }),
      },
      {
        table: 'AuthKey',
        key: ['instanceId', 'type', 'keyId'],
        columns: ['value'],
        stale: stale('value'),
        rewrite: (r) => ({ value: again(r.value as string, secretContext.authKey(r.instanceId as string, r.type as string, r.keyId as string)) }),
      },
      {
        table: 'Instance',
        key: ['id'],
        columns: ['token', 'tokenHash', 'accessToken'],
        stale: `(${stale('token')} OR COALESCE("tokenHash", '') NOT LIKE $2 OR ${stale('accessToken')})`,
        rewrite: (r) => {
          const id = r.id as string;
          const token = c.decrypt(r.token as string, secretContext.instanceToken(id));
          return {
            token: c.encrypt(token, secretContext.instanceToken(id)),
            tokenHash: this.tokens.hash(token),
            accessToken: again(r.accessToken as string | null, secretContext.accessToken(id)),
          };
        },
      },
      {
        table: 'InstanceProxy',
        key: ['id'],
        columns: ['password'],
        extra: ['instanceId'],
        stale: stale('password'),
        rewrite: (r) => ({ password: again(r.password as string | null, secretContext.proxyPassword(r.instanceId as string)) }),
      },
      {
        table: 'Webhook',
        key: ['id'],
        columns: ['secret', 'previousSecret', 'headers'],
        extra: ['instanceId'],
        // Header values: any string value not under the primary key.
        stale: `(${stale('secret')} OR ${stale('previousSecret')} OR (jsonb_typeof("headers") = 'object' AND EXISTS (
                  SELECT 1 FROM jsonb_each_text("headers") h WHERE h.value NOT LIKE $1)))`,
        rewrite: (r) => {
          const instanceId = r.instanceId as string;
          const headers = r.headers && typeof r.headers === 'object' ? (r.headers as Record<string, unknown>) : null;
          return {
            secret: again(r.secret as string | null, secretContext.webhookSecret(instanceId)),
            previousSecret: again(r.previousSecret as string | null, secretContext.webhookPreviousSecret(instanceId)),
            headers: headers
              ? Object.fromEntries(
                  Object.entries(headers).map(([name, v]) => [name, again(String(v), secretContext.webhookHeader(instanceId, name))]),
                )
              : r.headers,
          };
        },
      },
    ];
  }
}
