import { requestFingerprint } from './request-fingerprint.util';

describe('requestFingerprint', () => {
  it('is the same for the same body whatever the key order', () => {
    expect(requestFingerprint('sendText', { number: '1', text: 'a', options: { delay: 1, presence: 'x' } })).toBe(
      requestFingerprint('sendText', { options: { presence: 'x', delay: 1 }, text: 'a', number: '1' }),
    );
  });

  it('differs for another body, another route or another file', () => {
    const base = requestFingerprint('sendText', { number: '1', text: 'a' });
    expect(requestFingerprint('sendText', { number: '1', text: 'b' })).not.toBe(base);
    expect(requestFingerprint('sendMedia', { number: '1', text: 'a' })).not.toBe(base);
    const file = { buffer: Buffer.from('one'), mimetype: 'image/png', originalname: 'a.png' };
    const withFile = requestFingerprint('sendMedia', { number: '1' }, file);
    expect(requestFingerprint('sendMedia', { number: '1' }, { ...file, buffer: Buffer.from('two') })).not.toBe(withFile);
    expect(requestFingerprint('sendMedia', { number: '1' }, { ...file })).toBe(withFile);
  });
});
