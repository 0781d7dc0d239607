import { createHmac, randomBytes } from 'node:crypto';

/**
 * Signing helpers for outbound webhooks. All pure: the caller supplies ids, clocks and secrets,
 * so a retry can re-sign the frozen body with a fresh timestamp (Standard Webhooks wants the
 * timestamp of the attempt, not of the event).
 */

const SECRET_PREFIX = 'whsec_';
/** Evolution API signs its `jwt_key` bearer tokens for 10 minutes. */
const EVOLUTION_JWT_TTL_SECONDS = 600;

export interface StandardWebhookInput {
  /** Stable across retries: the receiver dedupes on it. */
  id: string;
  /** Unix seconds of this attempt. */
  timestamp: number;
  /** The exact bytes that go on the wire; never re-serialise before signing. */
  body: string;
  /** Every active secret signs, so old and new both verify while a rotation is in progress. */
  secrets: string[];
}

export interface StandardWebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** `whsec_<base64>` → the decoded key; anything else is taken as a raw UTF-8 secret. */
export function webhookSecretKey(secret: string): Buffer {
  const key = secret.startsWith(SECRET_PREFIX)
    ? Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64')
    : Buffer.from(secret, 'utf8');
  if (key.length === 0) throw new Error('webhook secret is empty');
  return key;
}

export function standardWebhookHeaders(input: StandardWebhookInput): StandardWebhookHeaders {
  const { id, timestamp, body, secrets } = input;
  // The signed content is `id.timestamp.body`; a dot in either prefix part would make it ambiguous.
  if (!id || id.includes('.')) throw new Error('webhook id must be non-empty and contain no "."');
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new Error('webhook timestamp must be integer unix seconds');
  if (!secrets.length) throw new Error('at least one webhook secret is required');

  const content = `${id}.${timestamp}.${body}`;
  const signatures = secrets.map(
    (secret) => `v1,${createHmac('sha256', webhookSecretKey(secret)).update(content, 'utf8').digest('base64')}`,
  );
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatures.join(' '),
  };
}

/** 24 random bytes: the low end of the spec's 24–64 byte range, ample for HMAC-SHA256. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString('base64');
}

/** Meta / GitHub style `X-Hub-Signature-256`: HMAC over the raw body only (no timestamp). */
export function hubSignature256(body: string | Buffer, secret: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

function epochSeconds(now: Date | number): number {
  return Math.floor((typeof now === 'number' ? now : now.getTime()) / 1000);
}

/**
 * The HS256 token Evolution API sends as `Authorization: Bearer` when a webhook has a `jwt_key`
 * header. Claims and TTL match Evolution so existing receivers keep validating.
 * @param now a Date or epoch milliseconds (as from Date.now()).
 */
export function evolutionJwt(secret: string, now: Date | number = Date.now()): string {
  const iat = epochSeconds(now);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(
    JSON.stringify({ iat, exp: iat + EVOLUTION_JWT_TTL_SECONDS, app: 'evolution', action: 'webhook' }),
  );
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/**
 * Evolution compatibility: a stored `jwt_key` header is a secret, not a header to send. Returns a
 * new object with it replaced by a freshly minted bearer token (minted per attempt, since it expires).
 */
export function applyJwtKeyHeader(headers: Record<string, string>, now: Date | number = Date.now()): Record<string, string> {
  const keyName = Object.keys(headers).find((k) => k.toLowerCase() === 'jwt_key');
  if (keyName === undefined) return headers;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    // Drop the secret and any stale authorization so exactly one bearer token is sent.
    if (k === keyName || k.toLowerCase() === 'authorization') continue;
    out[k] = v;
  }
  out.authorization = `Bearer ${evolutionJwt(headers[keyName], now)}`;
  return out;
}
