import type { CloseCause } from '../whatsapp-engine.port';

export interface CloseReason {
  statusCode: number;
  /** Readable text an operator can act on, e.g. "getaddrinfo ENOTFOUND web.whatsapp.com". */
  reason: string;
  cause: CloseCause;
}

/** Baileys' close errors are Boom errors: status in `output`, the underlying error (if any) in `data`. */
type BoomLike = Error & { output?: { statusCode?: number }; data?: unknown };

/** Baileys' message when keep-alives went unanswered (its watchdog). */
const KEEPALIVE_LOST = 'Connection was lost';

/**
 * Why a Baileys socket closed, in words. Baileys wraps transport failures as
 * "WebSocket Error (<message>)" with status 408 (or 500), which reads like a watchdog timeout;
 * the wrapped error's own message ("connect ECONNREFUSED 127.0.0.1:1") says what failed.
 * `reached` tells whether the WebSocket ever opened: if not, WhatsApp was unreachable.
 */
export function describeClose(error: unknown, reached: boolean): CloseReason {
  const boom = error as BoomLike | undefined;
  const statusCode = boom?.output?.statusCode ?? 428;
  const inner = boom?.data instanceof Error ? boom.data : undefined;
  const reason = inner?.message || boom?.message || 'Connection Closed';
  if (!reached) return { statusCode, reason: reason === 'Timed Out' ? 'no answer from WhatsApp (timed out)' : reason, cause: 'unreachable' };
  if (boom?.message === KEEPALIVE_LOST) return { statusCode, reason, cause: 'silent' };
  return { statusCode, reason, cause: 'remote' };
}
