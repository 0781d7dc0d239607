import type { BinaryNode } from '@whiskeysockets/baileys';

/**
 * How the fake makes a real Baileys client report a given DisconnectReason
 * (lib/Types/index.js). Baileys derives the status code from:
 *  - `<stream:error code=N/>`: +code, else CODE_MAP[first child tag] (conflict → 440),
 *    else 500 (lib/Utils/generics.js getErrorCodeFromStreamError)
 *  - `<failure reason=N/>`: +reason (socket.js CB:failure)
 *  - `<ib><downgrade_webclient/></ib>`: 411 (socket.js)
 *  - the WebSocket closing without a stanza: 428 connectionClosed (socket.js ws 'close')
 */
export const DISCONNECT_REASONS = {
  loggedOut: 401,
  forbidden: 403,
  timedOut: 408,
  connectionLost: 408,
  multideviceMismatch: 411,
  connectionClosed: 428,
  connectionReplaced: 440,
  badSession: 500,
  unavailableService: 503,
  restartRequired: 515,
} as const;

export type DisconnectReasonName = keyof typeof DISCONNECT_REASONS;
export type KickReason = number | DisconnectReasonName;

export type KickPlan =
  | { kind: 'stanza'; node: BinaryNode; code: number }
  | { kind: 'close'; code: number };

export function resolveKickCode(reason: KickReason): number {
  if (typeof reason === 'number') {
    if (!Number.isInteger(reason) || reason < 100) throw new Error(`invalid disconnect code ${reason}`);
    return reason;
  }
  const code = (DISCONNECT_REASONS as Record<string, number>)[reason];
  if (code === undefined) {
    throw new Error(`unknown disconnect reason '${reason}' (use ${Object.keys(DISCONNECT_REASONS).join(', ')} or a number)`);
  }
  return code;
}

export function planKick(reason: KickReason): KickPlan {
  const code = resolveKickCode(reason);
  switch (code) {
    case 401:
      // what WhatsApp sends when the phone removes the companion
      return { kind: 'stanza', code, node: streamError({ code: '401' }, 'conflict', { type: 'device_removed' }) };
    case 411:
      return { kind: 'stanza', code, node: { tag: 'ib', attrs: {}, content: [{ tag: 'downgrade_webclient', attrs: {} }] } };
    case 428:
      return { kind: 'close', code };
    case 440:
      // no code attr on purpose: Baileys maps the <conflict/> child to connectionReplaced
      return { kind: 'stanza', code, node: streamError({}, 'conflict', { type: 'replaced' }) };
    case 500:
      // an unknown child and no code → Baileys' badSession default
      return { kind: 'stanza', code, node: streamError({}, 'xml-not-well-formed', {}) };
    default:
      return { kind: 'stanza', code, node: streamError({ code: String(code) }) };
  }
}

/** what a device gets at login when it was removed / its account is blocked */
export function loginFailure(code: number): BinaryNode {
  return { tag: 'failure', attrs: { reason: String(code), location: 'fake' } };
}

function streamError(attrs: Record<string, string>, childTag?: string, childAttrs?: Record<string, string>): BinaryNode {
  return {
    tag: 'stream:error',
    attrs,
    ...(childTag ? { content: [{ tag: childTag, attrs: childAttrs ?? {} }] } : {}),
  };
}
