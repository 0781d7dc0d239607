import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Minimal typing of the `ws` package (installed as a Baileys dependency, no @types/ws in
 * the repo). Only what the fake server uses is declared.
 */
export interface WsSocket {
  readonly readyState: number;
  send(data: Buffer, cb?: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
}

export interface WsServer {
  handleUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    callback: (socket: WsSocket, req: IncomingMessage) => void,
  ): void;
  close(callback?: (err?: Error) => void): void;
}

interface WsModule {
  WebSocketServer: new (options: { noServer: true; maxPayload?: number }) => WsServer;
}

export const WS_OPEN = 1;

let cached: WsModule | undefined;

/** `ws` is CommonJS, so a plain require works both in Jest and in the compiled CLI. */
export function loadWs(): WsModule {
  cached ??= require('ws') as WsModule;
  return cached;
}
