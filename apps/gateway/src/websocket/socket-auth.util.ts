import { EvolutionException } from '@gw/common';

/** What a socket.io handshake carries that auth reads (a subset of socket.io's Handshake). */
export interface HandshakeKeys {
  auth: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
}

/** The API key of a handshake: `auth.apikey` (the manager), else the `apikey` header, else `?apikey=` (Evolution's clients). */
export function handshakeKey(h: HandshakeKeys): string | undefined {
  for (const raw of [h.auth?.apikey, h.headers?.apikey, h.query?.apikey]) {
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (typeof value === 'string' && value) return value;
  }
  return undefined;
}

/** `/my%20shop` → `my shop`; the default namespace `/` → undefined. */
export function namespaceInstance(nsp: string): string | undefined {
  const raw = nsp.slice(1);
  if (!raw) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** A refused handshake: the client's connect_error carries the message and `data.status` (Evolution's HTTP status for the same refusal). */
export class SocketRefusal extends Error {
  readonly data: { status: number; message: string };

  constructor(status: number, message: string) {
    super(message);
    this.data = { status, message };
  }

  static from(err: unknown): SocketRefusal {
    if (err instanceof SocketRefusal) return err;
    if (err instanceof EvolutionException) {
      const { messages } = err;
      const text = Array.isArray(messages) ? messages.map(String).join('; ') : (messages ?? 'Refused');
      return new SocketRefusal(err.getStatus(), text);
    }
    return new SocketRefusal(503, 'The gateway could not check the key, try again shortly');
  }
}
