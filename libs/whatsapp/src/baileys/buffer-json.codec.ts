/**
 * Baileys' BufferJSON encoding (`JSON.stringify(value, BufferJSON.replacer)`: every Buffer or
 * Uint8Array as `{"type":"Buffer","data":"<base64>"}`), byte for byte, without the replacer.
 *
 * Why: a replacer function takes V8's JSON.stringify off its fast path for the whole value, and
 * Buffers go through `Buffer#toJSON` first (an array with one number per byte) before the replacer
 * turns that array back into a Buffer to base64 it. The gateway encodes a Signal session or sender
 * key for every message it decrypts; most of those values (sessions) hold no Buffer at all.
 */

/** A value whose encoding only the reference path gets right (see plainOf). */
const REFERENCE = Symbol('reference');
/** Deeper than any Signal key or creds value: past it, the reference path decides (and reports cycles). */
const MAX_DEPTH = 64;

/** The same text as `JSON.stringify(value, replacer)` with Baileys' `BufferJSON.replacer`. */
export function encodeBufferJson(value: unknown, replacer: (key: string, value: unknown) => unknown): string {
  const plain = plainOf(value, 0);
  return plain === REFERENCE ? JSON.stringify(value, replacer) : JSON.stringify(plain);
}

/**
 * `value` with each Uint8Array (Buffers included) replaced by the replacer's object, copying only
 * the containers on the way to one (the same object when there is none); REFERENCE when it holds
 * anything whose encoding involves `toJSON` or the replacer's other cases: objects that are not
 * plain (class instances, Dates, other typed arrays), or an object that already looks like
 * `{type: 'Buffer'}`.
 */
function plainOf(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return REFERENCE;
  if (value instanceof Uint8Array) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (toJSON !== undefined && toJSON !== Buffer.prototype.toJSON) return REFERENCE;
    return { type: 'Buffer', data: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  }
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype || typeof (value as { toJSON?: unknown }).toJSON === 'function') return REFERENCE;
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      const item = plainOf(element, depth + 1);
      if (item === REFERENCE) return REFERENCE;
      if (item !== element) (copy ??= value.slice())[i] = item;
    }
    return copy ?? value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return REFERENCE;
  const record = value as Record<string, unknown>;
  if (typeof record.toJSON === 'function' || record.type === 'Buffer') return REFERENCE;
  const keys = Object.keys(record);
  let copy: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const field = record[keys[i]];
    const item = plainOf(field, depth + 1);
    if (item === REFERENCE) return REFERENCE;
    if (!copy && item !== field) {
      // The fields before this one were unchanged: the copy reads them again, in the same order.
      copy = Object.create(null) as Record<string, unknown>; // an own "__proto__" key stays a key
      for (const k of keys.slice(0, i)) copy[k] = record[k];
    }
    if (copy) copy[keys[i]] = item;
  }
  return copy ?? value;
}
