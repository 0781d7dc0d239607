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
 * Baileys' connectTimeoutMs limits the connect (the WebSocket handshake, then WhatsApp's first
 * answer to the Noise hello) AND every socket write afterwards: each write builds two stack
 * traces, a timer and a Boom ('Cancelled') that is thrown away, which on a node with a hundred
 * instances is a share of the gateway's CPU worth saving. We give Baileys 0 (no write timeout: a
 * write that never completes is ended by the keep-alive watchdog, and queries keep their own
 * timeout) and keep its two connect limits here, each timeoutMs as before: the WebSocket must
 * open, then WhatsApp must send its first frame; otherwise the socket ends as Baileys ended it.
 * Like Baileys, nothing limits the login after that first frame.
 */
export function watchConnect(sock: Pick<WASocket, 'ev' | 'end' | 'ws'>, timeoutMs: number): void {
  if (!timeoutMs) return;
  let timer = setTimeout(() => expire(), timeoutMs);
  const expire = () => {
    stop();
    sock.end(new ConnectTimedOutError() as never);
  };
  const onOpen = () => {
    clearTimeout(timer);
    timer = setTimeout(() => expire(), timeoutMs);
  };
  const onUpdate = (update: { connection?: string }) => update.connection === 'close' && stop();
  const stop = () => {
    clearTimeout(timer);
    sock.ws.off('open', onOpen);
    sock.ws.off('frame', stop);
    sock.ev.off('connection.update', onUpdate);
  };
  sock.ws.once('open', onOpen);
  sock.ws.once('frame', stop);
  sock.ev.on('connection.update', onUpdate);
}
