import type { WASocket } from '@whiskeysockets/baileys';

/** What Baileys' own connect timeout closed with: its Boom 'Timed Out' (DisconnectReason.timedOut). */
export class ConnectTimedOutError extends Error {
  readonly output = { statusCode: 408 };
  constructor() {
    super('Timed Out');
    this.name = 'ConnectTimedOutError';
  }
}

/**
 * Baileys' connectTimeoutMs is the limit of the connect (WebSocket handshake, Noise handshake)
 * AND of every socket write afterwards: each write builds two stack traces, a timer and a Boom
 * ('Cancelled') that is thrown away, which on a node with a hundred instances is a share of the
 * gateway's CPU worth saving. We give Baileys 0 (no write timeout; a write that never completes is
 * ended by the keep-alive watchdog, and queries keep their own timeout) and limit the connect
 * here: no QR, no `open` and no close within timeoutMs ends the socket as Baileys would have.
 */
export function watchConnect(sock: Pick<WASocket, 'ev' | 'end'>, timeoutMs: number): void {
  if (!timeoutMs) return;
  const timer = setTimeout(() => {
    sock.ev.off('connection.update', onUpdate);
    sock.end(new ConnectTimedOutError() as never);
  }, timeoutMs);
  const onUpdate = (update: { qr?: string; connection?: string }) => {
    if (!update.qr && update.connection !== 'open' && update.connection !== 'close') return;
    clearTimeout(timer);
    sock.ev.off('connection.update', onUpdate);
  };
  sock.ev.on('connection.update', onUpdate);
}
