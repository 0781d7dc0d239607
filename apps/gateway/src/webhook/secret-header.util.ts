/** What find routes show instead of a secret header value (and what a client may send back to keep it). */
export const SECRET_HEADER_MASK = '[secret: set]';

/**
 * Headers whose values are credentials: Evolution's jwt_key, the HTTP auth headers, and any name
 * that says token, secret, key, password, auth, signature or session (x-api-key, x-auth-token, ...).
 */
const SECRET_NAME = /token|secret|key|passw|auth|signature|session|cookie/i;

export function isSecretHeader(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Header map for find routes: secret values replaced by the mask, the others as stored. */
export function maskSecretHeaders(headers: unknown): Record<string, string> | null {
  if (!headers || typeof headers !== 'object' || Array.isArray(headers)) return null;
  return Object.fromEntries(
    Object.entries(headers as Record<string, unknown>).map(([name, value]) => [name, isSecretHeader(name) ? SECRET_HEADER_MASK : String(value)]),
  );
}

/** A client that saves back what find returned keeps the stored secret instead of storing the mask. */
export function keepMaskedHeaders(
  incoming: Record<string, string> | null,
  stored: unknown,
): Record<string, string> | null {
  if (!incoming) return incoming;
  const previous = stored && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value !== SECRET_HEADER_MASK) out[name] = value;
    else if (typeof previous[name] === 'string') out[name] = previous[name] as string;
    // a mask with nothing behind it is dropped rather than stored as a header value
  }
  return out;
}
