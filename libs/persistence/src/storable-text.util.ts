/**
 * Postgres text and jsonb cannot hold U+0000, which WhatsApp text (messages, push names, chat
 * names) can: one such character used to fail the insert of its whole batch. Stored copies get
 * U+FFFD instead; webhooks carry the original.
 */
export const storable = (text: string | null | undefined): string | null =>
  text?.includes('\u0000') ? text.replace(/\u0000/g, '\uFFFD') : (text ?? null);

export const storableJson = (value: unknown): string => {
  const json = JSON.stringify(value);
  // JSON.stringify writes U+0000 as the escape \u0000; a literal backslash-u would be \\u0000 and
  // cannot be told apart by a plain search, so the rare hit is serialised again with clean strings.
  return json.includes('\\u0000') ? JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? storable(v) : v)) : json;
};
