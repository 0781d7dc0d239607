/**
 * Sent with every manager file. No inline script or style anywhere in the app, so the policy can
 * be strict: only our own files run, the page talks only to its own origin (REST and the
 * socket.io stream), and QR codes arrive as data: PNGs.
 */
export const MANAGER_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const MANAGER_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': MANAGER_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};
