import { keepsBodyInJob, storedBody } from './stored-body.util';

describe('storedBody', () => {
  it('keeps QRCODE_UPDATED bodies without the QR (it carries advSecretKey), other bodies unchanged', () => {
    const body = JSON.stringify({ event: 'qrcode.updated', data: { qrcode: { code: '2@ref,noise,identity,ADV-SECRET', base64: 'data:image/png;base64,AAA', pairingCode: null } } });
    const stored = storedBody('QRCODE_UPDATED', body);
    expect(stored).not.toContain('ADV-SECRET');
    expect(stored).not.toContain('base64,AAA');
    expect(stored.endsWith('}')).toBe(true); // the outbox appends `sequence` before the last brace
    expect(JSON.parse(stored).data.qrcode.pairingCode).toBeNull();
    const other = JSON.stringify({ event: 'messages.upsert', data: { key: { id: 'x' } } });
    expect(storedBody('MESSAGES_UPSERT', other)).toBe(other);
    expect(keepsBodyInJob('QRCODE_UPDATED')).toBe(true);
    expect(keepsBodyInJob('MESSAGES_UPSERT')).toBe(false);
  });
});
