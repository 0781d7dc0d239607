export type PgArrayElement = string | number | bigint | boolean | null | undefined;

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/**
 * A Postgres array literal (`{"a","b",NULL,3}`) for a parameter the SQL casts to an array type.
 * pg's own encoder builds it by concatenation with two regular-expression replaces per element:
 * for the outbox INSERT's 13 arrays that was ~1.2 µs per row against ~0.5 here, and a tenth of
 * the publishing process's allocated bytes (bench/rabbitmq heap profile). Every text element is
 * quoted, so commas, braces, blanks and the word NULL stay text; inside the quotes only `"` and
 * `\` need a backslash. Numbers, bigints and booleans go bare; null and undefined are NULL.
 */
export function pgArray(values: readonly PgArrayElement[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) parts[i] = 'NULL';
    else if (typeof v === 'string') parts[i] = NEEDS_ESCAPE.test(v) ? `"${v.replace(ESCAPED, '\\$&')}"` : `"${v}"`;
    else parts[i] = String(v);
  }
  return `{${parts.join(',')}}`;
}
