import type { Pool } from 'pg';
import type { ConnectionFields } from './instance.repository';

export interface ConnectionUpdate {
  instanceId: string;
  fields: ConnectionFields;
}

/**
 * The connection columns and their SQL types: a Record over ConnectionFields, so a field added
 * there fails to compile here instead of being silently left out of the statement.
 */
const COLUMN_TYPES: Record<keyof ConnectionFields, 'text' | 'int' | 'timestamp'> = {
  connectionStatus: 'text',
  ownerJid: 'text',
  profileName: 'text',
  profilePicUrl: 'text',
  disconnectionReasonCode: 'int',
  disconnectionObject: 'text',
  disconnectionAt: 'timestamp',
  number: 'text',
};
const COLUMNS = Object.entries(COLUMN_TYPES).map(([name, type]) => ({
  name: name as keyof ConnectionFields,
  type,
  // As Prisma stores DateTime: the UTC wall time in a column without a time zone.
  param: type === 'timestamp' ? (v: unknown) => (v === null ? null : (v as Date).toISOString()) : undefined,
}));
const UTC = (p: string) => `(${p}::timestamptz AT TIME ZONE 'UTC')`;

/**
 * Applies the connection updates of several instances in one statement (an instance appears at
 * most once: GroupCommit keys them). Each column is written only for the rows whose update sets
 * it (a set flag per column), so a `connecting` next to an `open` leaves the owner columns alone.
 * Deleted instances are skipped, as updateMany did.
 */
export async function applyConnectionUpdates(pool: Pool, updates: ConnectionUpdate[]): Promise<void> {
  const params: unknown[][] = [updates.map((u) => u.instanceId), updates.map(() => new Date().toISOString())];
  const sets: string[] = [`"updatedAt" = ${UTC('u.at')}`];
  const cols: string[] = ['iid', 'at'];
  const types: string[] = ['uuid', 'text'];
  COLUMNS.forEach((c, k) => {
    const present = updates.map((u) => u.fields[c.name] !== undefined);
    if (!present.some(Boolean)) return;
    const value = updates.map((u) => {
      const v = u.fields[c.name];
      return v === undefined ? null : c.param ? c.param(v) : v;
    });
    params.push(present, value);
    cols.push(`s${k}`, `v${k}`);
    types.push('boolean', c.type === 'timestamp' ? 'text' : c.type);
    const v = c.type === 'timestamp' ? UTC(`u.v${k}`) : `u.v${k}`;
    sets.push(`"${c.name}" = CASE WHEN u.s${k} THEN ${v} ELSE i."${c.name}" END`);
  });
  await pool.query(
    `UPDATE "Instance" i SET ${sets.join(', ')}
     FROM unnest(${types.map((t, n) => `$${n + 1}::${t}[]`).join(', ')}) AS u(${cols.join(', ')})
     WHERE i."id" = u.iid`,
    params,
  );
}
