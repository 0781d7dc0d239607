import type { IncomingMessage } from 'node:http';
import { now } from './bench.util';

/** Collects a request's body and calls `done` with it as text and the time it was complete (epoch ms, see `now`). */
export function onRequestBody(req: IncomingMessage, done: (raw: string, at: number) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const at = now();
    done(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'), at);
  });
}
