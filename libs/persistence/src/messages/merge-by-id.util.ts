/**
 * One item per id, field by field: a later item's defined fields win, the rest are kept. Partial
 * updates of one chat or contact (a name, then an unread count) must not erase each other when
 * they are written in one statement, which can touch a row only once.
 */
export function mergeById<T extends { id?: string | null }>(items: T[]): T[] {
  const byId = new Map<string, T>();
  for (const item of items) {
    if (!item.id) continue;
    const prev = byId.get(item.id);
    if (!prev) {
      byId.set(item.id, { ...item });
      continue;
    }
    for (const [k, v] of Object.entries(item)) if (v !== undefined) (prev as Record<string, unknown>)[k] = v;
  }
  return [...byId.values()];
}
