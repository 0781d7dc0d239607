/**
 * Many texts sent as ONE binary parameter: their UTF-8 bytes back to back, and each one's byte
 * length in an int[] beside it. As a text[] literal, pg escaped every quote and backslash of each
 * element here and Postgres parsed the literal back, 2-4 times the CPU on both sides for JSON
 * texts (outbox bodies, Signal keys; bench/README). A Buffer goes as a binary parameter, untouched.
 * Lengths are bytes, not characters: one multi-byte character would shift every later text.
 */
export function packTexts(texts: readonly string[]): { lengths: number[]; bytes: Buffer } {
  return { lengths: texts.map((t) => Buffer.byteLength(t)), bytes: Buffer.from(texts.join('')) };
}

/** SQL: where each text starts in the packed bytes (1-based, for substring), rows in `order`'s order. */
export const packedStart = (lengths: string, order: string): string => `(sum(${lengths}) OVER (ORDER BY ${order}) - ${lengths} + 1)::int`;

/** SQL: one text cut out of the packed bytes parameter `param`. */
export const packedText = (param: string, start: string, length: string): string =>
  `convert_from(substring(${param}::bytea FROM ${start} FOR ${length}), 'UTF8')`;
