import type { Server } from 'node:http';
import type { Request, Response } from 'express';

/**
 * A client sending `Expect: 100-continue` waits for our go-ahead before it sends the body.
 * Node gives it at once by default, before anyone has looked at the apikey; instead the
 * request goes through the edge as any other and the go-ahead is given only by whoever reads
 * the body (the body reader, or forwarding to the owner). Refused requests never get one.
 */
export function deferExpectContinue(server: Server): void {
  server.on('checkContinue', (req, res) => server.emit('request', req, res));
}

/** Sends the deferred `100 Continue`, if the client asked for one: call right before reading the body. */
export function continueIfExpected(req: Request, res: Response): void {
  if (req.headers.expect?.toLowerCase() === '100-continue' && !res.headersSent) res.writeContinue();
}
