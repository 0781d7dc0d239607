import type { QrSnapshot } from '@gw/instances';
import { connectView } from './instance.presenter';

describe('connectView', () => {
  const noQr: QrSnapshot = { pairingCode: null, code: null, base64: null, count: 0 };
  const refused = { statusCode: 408, reason: 'connect ECONNREFUSED 127.0.0.1:1', cause: 'unreachable' as const };

  it('answers Evolution shapes when there is nothing to report: open, or the QR', () => {
    expect(connectView('x', { state: 'open', qr: noQr })).toEqual({ instance: { instanceName: 'x', state: 'open' } });
    const qr = { pairingCode: null, code: '2@abc', base64: 'data:image/png;base64,AA', count: 1 };
    // a QR wins over an earlier failure: the client can link now
    expect(connectView('x', { state: 'connecting', qr, lastClose: refused })).toEqual(qr);
    expect(connectView('x', { state: 'connecting', qr: noQr })).toEqual(noQr);
  });

  it('adds the state and what failed to the (null) QR keys after a failed attempt', () => {
    expect(connectView('x', { state: 'connecting', qr: noQr, lastClose: refused })).toEqual({
      ...noQr,
      instance: { instanceName: 'x', state: 'connecting' },
      error: true,
      message: 'WhatsApp cannot be reached: connect ECONNREFUSED 127.0.0.1:1',
      reason: 'connect ECONNREFUSED 127.0.0.1:1',
      statusReason: 408,
    });
    const banned = { statusCode: 403, reason: 'Connection Failure', cause: 'remote' as const };
    expect(connectView('x', { state: 'close', qr: noQr, lastClose: banned })).toMatchObject({
      instance: { instanceName: 'x', state: 'close' },
      message: 'the connection to WhatsApp closed: Connection Failure',
      statusReason: 403,
    });
  });
});
