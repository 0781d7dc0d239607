/**
 * The SQL text of a `pool.query` call as a spy sees it: the text itself, or the config object of
 * a named statement carrying it.
 */
export const statementText = (q: unknown): string => (typeof q === 'string' ? q : String((q as { text?: string } | undefined)?.text));
