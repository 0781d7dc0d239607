import type { proto } from '@whiskeysockets/baileys';
import type { Json } from '@gw/messages';
import type { Baileys } from './baileys.loader';

/** protobuf -> JSON that webhooks can carry: Longs as numbers, bytes as base64, enums by name. */
const TO_OBJECT = { longs: Number, bytes: String, enums: String, defaults: false } as const;

export function messageContentToJson(baileys: Baileys, content: proto.IMessage | null | undefined): Json | null {
  if (!content) return null;
  const { Message } = baileys.proto;
  return Message.toObject(Message.fromObject(content as Record<string, unknown>), TO_OBJECT) as Json;
}

export function webMessageToJson(baileys: Baileys, msg: proto.IWebMessageInfo): Json {
  const { WebMessageInfo } = baileys.proto;
  return WebMessageInfo.toObject(WebMessageInfo.fromObject(msg as Record<string, unknown>), TO_OBJECT) as Json;
}

/** Long | number | string | null -> number (unix seconds or ms as given). */
export function toNumber(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value) || 0;
  const long = value as { toNumber?: () => number; low?: number; high?: number };
  if (typeof long.toNumber === 'function') return long.toNumber();
  if (typeof long.low === 'number') return (long.high ?? 0) * 2 ** 32 + (long.low >>> 0);
  return Number(value) || 0;
}

/** Plain JSON copy of arbitrary Baileys objects (group metadata, calls): bytes as base64, Dates as ISO. */
export function toPlainJson(value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toPlainJson);
  if (typeof value === 'object') {
    const long = value as { low?: unknown; high?: unknown; unsigned?: unknown };
    if (typeof long.low === 'number' && typeof long.high === 'number' && 'unsigned' in long) return toNumber(value);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined && typeof v !== 'function') out[k] = toPlainJson(v);
    return out;
  }
  return value;
}
