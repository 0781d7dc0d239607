import type { TestDatabase } from '@gw/testing';
import { flag, round } from './bench.util';

/**
 * ANALYZE the run's fresh database after its warm-up, as autovacuum does within a live gateway's
 * first minutes. Until then a named statement planned while a table was nearly empty keeps its
 * plan on that connection: the attempt log's UPDATE kept a sequential scan of the whole
 * delivery table per call (708 buffers a call in bench/delivery; 5 ms a call on 20,000 rows,
 * against 0.4 ms with the index), measuring a database seconds old rather than the gateway.
 * `--no-analyze` leaves that to autovacuum, as before 2026-12-04.
 */
export async function analyzeAfterWarmup(db: TestDatabase): Promise<void> {
  if (!flag('no-analyze')) await db.query('ANALYZE');
}

/**
 * What a step asked of Postgres, from its cumulative statistics: transactions (each statement
 * outside BEGIN is one, so about one per round trip) and rows written, in total and per table.
 * Backends publish their counters at most once a second, and an idle one up to 10 s later,
 * so `settled` waits that out before the second snapshot.
 */
export interface PgActivity {
  transactions: number;
  inserted: number;
  updated: number;
  deleted: number;
  tables: Record<string, { inserted: number; updated: number; deleted: number }>;
}

const STATS_FLUSH_MS = 11_000;

export async function pgActivity(db: TestDatabase): Promise<PgActivity> {
  const [d] = await db.query<Record<string, string>>(
    `SELECT xact_commit + xact_rollback AS transactions, tup_inserted AS inserted, tup_updated AS updated, tup_deleted AS deleted
     FROM pg_stat_database WHERE datname = current_database()`,
  );
  const rows = await db.query<Record<string, string>>(`SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables`);
  const tables: PgActivity['tables'] = {};
  for (const r of rows) tables[r.relname] = { inserted: Number(r.n_tup_ins), updated: Number(r.n_tup_upd), deleted: Number(r.n_tup_del) };
  return { transactions: Number(d.transactions), inserted: Number(d.inserted), updated: Number(d.updated), deleted: Number(d.deleted), tables };
}

export const settled = () => new Promise((r) => setTimeout(r, STATS_FLUSH_MS));

/** Per message between two snapshots; tables that did not change are left out. */
export function pgActivityPerMessage(before: PgActivity, after: PgActivity, messages: number) {
  const per = (a: number, b: number) => round((a - b) / messages, 2);
  const tables: Record<string, string> = {};
  for (const [name, t] of Object.entries(after.tables)) {
    const b = before.tables[name] ?? { inserted: 0, updated: 0, deleted: 0 };
    const [i, u, d] = [per(t.inserted, b.inserted), per(t.updated, b.updated), per(t.deleted, b.deleted)];
    if (i || u || d) tables[name] = `ins ${i} upd ${u} del ${d}`;
  }
  return {
    transactions: per(after.transactions, before.transactions),
    inserted: per(after.inserted, before.inserted),
    updated: per(after.updated, before.updated),
    deleted: per(after.deleted, before.deleted),
    tables,
  };
}
