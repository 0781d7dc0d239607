/**
 * Rules for the custom headers a webhook may carry (`webhook.headers`). The same rules refuse a
 * bad header when a webhook is set and drop one stored before the rules existed, at delivery.
 */

/** RFC 9110 §5.6.2 token: what a field name may be. */
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What undici sends: tab, visible ASCII, space and Latin-1 bytes; never CR, LF, NUL or other controls. */
const SENDABLE_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Headers a webhook cannot set (lower case): message framing and the connection are the HTTP
 * client's (undici refuses several outright), and the body's type and signatures are ours.
 */
const RESERVED: Record<string, string> = {
  host: 'the HTTP client sets it from the URL',
  'content-length': 'the HTTP client sets it from the body',
  'transfer-encoding': 'the HTTP client frames the body',
  connection: 'the HTTP client manages connections',
  'keep-alive': 'the HTTP client manages connections',
  upgrade: 'the HTTP client manages connections',
  expect: 'the HTTP client does not support it',
  'content-type': 'the gateway sends JSON (application/json)',
  'x-hub-signature-256': 'the gateway signs deliveries with it',
};
/** Standard Webhooks' namespace (webhook-id, -timestamp, -signature, -sequence): all ours. */
const RESERVED_PREFIX = 'webhook-';

/** Why this custom header cannot be sent, or undefined when it can. */
export function webhookHeaderProblem(name: string, value: unknown): string | undefined {
  if (!HTTP_TOKEN.test(name)) return `header name ${JSON.stringify(name)} is not a valid HTTP field name`;
  const lower = name.toLowerCase();
  const reserved = RESERVED[lower] ?? (lower.startsWith(RESERVED_PREFIX) ? 'the gateway sets the webhook-* headers' : undefined);
  if (reserved) return `header "${name}" cannot be overridden: ${reserved}`;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    return `header "${name}" must have a string value`;
  }
  if (!SENDABLE_VALUE.test(String(value))) {
    return `header "${name}" value must not contain CR, LF, NUL or other control characters, nor characters beyond Latin-1`;
  }
  return undefined;
}

/** Every problem of a headers object (empty when all can be sent). */
export function webhookHeadersProblems(headers: Record<string, unknown>): string[] {
  return Object.entries(headers)
    .map(([name, value]) => webhookHeaderProblem(name, value))
    .filter((p): p is string => p !== undefined);
}

/**
 * The headers that can be sent, names in lower case (HTTP names are case-insensitive, so
 * `X-Token` and `x-token` cannot both go out), and the problems of those left out.
 */
export function sendableWebhookHeaders(headers: Record<string, unknown>): { headers: Record<string, string>; dropped: string[] } {
  const out: Record<string, string> = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const problem = webhookHeaderProblem(name, value);
    if (problem) dropped.push(problem);
    else out[name.toLowerCase()] = String(value);
  }
  return { headers: out, dropped };
}
