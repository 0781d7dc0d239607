import { describeClose } from './close-reason.util';

/** A Boom-shaped error as Baileys builds it (no Boom dependency needed to describe one). */
function boom(message: string, statusCode: number, data?: unknown) {
  return Object.assign(new Error(message), { output: { statusCode }, data });
}

/** What Node's net/dns/tls layers throw: a message and a code. */
function systemError(message: string, code: string) {
  return Object.assign(new Error(message), { code });
}

describe('describeClose', () => {
  it('names the transport failure Baileys wrapped as "WebSocket Error (...)" when WhatsApp was never reached', () => {
    const refused = systemError('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED');
    expect(describeClose(boom('WebSocket Error (connect ECONNREFUSED 127.0.0.1:1)', 408, refused), false)).toEqual({
      statusCode: 408,
      reason: 'connect ECONNREFUSED 127.0.0.1:1',
      cause: 'unreachable',
    });
    const dns = systemError('getaddrinfo ENOTFOUND web.whatsapp.com', 'ENOTFOUND');
    expect(describeClose(boom('WebSocket Error (getaddrinfo ENOTFOUND web.whatsapp.com)', 408, dns), false)).toMatchObject({
      reason: 'getaddrinfo ENOTFOUND web.whatsapp.com',
      cause: 'unreachable',
    });
  });

  it('says the handshake went unanswered instead of a bare "Timed Out"', () => {
    expect(describeClose(boom('Timed Out', 408), false)).toEqual({
      statusCode: 408,
      reason: 'no answer from WhatsApp (timed out)',
      cause: 'unreachable',
    });
  });

  it('tells the keep-alive watchdog apart from other closes of an established connection', () => {
    expect(describeClose(boom('Connection was lost', 408), true)).toEqual({ statusCode: 408, reason: 'Connection was lost', cause: 'silent' });
    expect(describeClose(boom('Connection Failure', 403, { reason: '403' }), true)).toEqual({
      statusCode: 403,
      reason: 'Connection Failure',
      cause: 'remote',
    });
    const reset = systemError('read ECONNRESET', 'ECONNRESET');
    expect(describeClose(boom('WebSocket Error (read ECONNRESET)', 408, reset), true)).toMatchObject({ reason: 'read ECONNRESET', cause: 'remote' });
  });

  it('falls back to 428 "Connection Closed" when Baileys gives no error', () => {
    expect(describeClose(undefined, true)).toEqual({ statusCode: 428, reason: 'Connection Closed', cause: 'remote' });
  });
});
