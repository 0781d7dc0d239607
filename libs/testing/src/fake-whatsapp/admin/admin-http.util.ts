import type { IncomingMessage, ServerResponse } from 'node:http';

/** JSON request/response helpers shared by the admin route files. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY = 1024 * 1024;

export type JsonBody = Record<string, unknown>;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? null);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function readJson(req: IncomingMessage): Promise<JsonBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY) throw new HttpError(413, 'body too large');
    chunks.push(buf);
  }
  if (size === 0) return {};
  const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf-8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new HttpError(400, 'body must be a JSON object');
  return parsed as JsonBody;
}

export function requireString(body: JsonBody, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length === 0) throw new HttpError(400, `'${field}' (string) is required`);
  return value;
}

export function optionalString(body: JsonBody, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new HttpError(400, `'${field}' must be a string`);
  return value;
}

export function optionalNumber(body: JsonBody, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new HttpError(400, `'${field}' must be a number`);
  return value;
}

export function requireObject(body: JsonBody, field: string): JsonBody {
  const value = body[field];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, `'${field}' (object) is required`);
  return value as JsonBody;
}

export function optionalObject(body: JsonBody, field: string): JsonBody {
  return body[field] === undefined || body[field] === null ? {} : requireObject(body, field);
}

export function optionalStringArray(body: JsonBody, field: string): string[] {
  const value = body[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new HttpError(400, `'${field}' must be an array of strings`);
  return value as string[];
}
