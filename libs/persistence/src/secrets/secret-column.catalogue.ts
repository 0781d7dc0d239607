/**
 * Every column that holds an encrypted value, for the boot check and the rotation command.
 * `json`: a JSON object whose string values are encrypted one by one (webhook headers).
 */
export interface SecretColumn {
  table: 'AuthCred' | 'AuthKey' | 'Instance' | 'Webhook' | 'InstanceProxy';
  column: string;
  json?: boolean;
}

export const SECRET_COLUMNS: readonly SecretColumn[] = [
  { table: 'AuthCred', column: 'creds' },
  { table: 'AuthKey', column: 'value' },
  { table: 'Instance', column: 'token' },
  { table: 'Instance', column: 'accessToken' },
  { table: 'Webhook', column: 'secret' },
  { table: 'Webhook', column: 'previousSecret' },
  { table: 'Webhook', column: 'headers', json: true },
  { table: 'InstanceProxy', column: 'password' },
];

/** SQL yielding the stored strings of a column (one row per header value for json columns). */
export function storedValuesSql(c: SecretColumn): string {
  return c.json
    ? `SELECT h.value AS v FROM "${c.table}" t
       CROSS JOIN LATERAL jsonb_each_text(CASE WHEN jsonb_typeof(t."${c.column}") = 'object' THEN t."${c.column}" ELSE '{}'::jsonb END) h`
    : `SELECT t."${c.column}" AS v FROM "${c.table}" t WHERE t."${c.column}" IS NOT NULL`;
}
