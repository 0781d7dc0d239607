import { raw, type RequestHandler } from 'express';

/** Meta's notification payloads are at most 3 MB; anything larger is refused with 413. */
export const META_BODY_LIMIT_BYTES = 3 * 1024 * 1024;

/**
 * The Meta webhook routes need the exact bytes Meta signed (X-Hub-Signature-256), so their
 * POST bodies are read raw, whatever the content type, before the JSON parser sees them
 * (which then skips the already-read request).
 */
export function metaWebhookRawBody(basePath: string): RequestHandler {
  const parse = raw({ type: () => true, limit: META_BODY_LIMIT_BYTES });
  const meta = `${basePath}/webhook/meta`;
  const v1 = `${basePath}/webhook/whatsapp/`;
  return (req, res, next) => {
    if (req.method === 'POST' && (req.path === meta || req.path.startsWith(v1))) return parse(req, res, next);
    next();
  };
}
