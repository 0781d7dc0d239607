import { MediaUrlSigner } from './media-url.signer';

describe('MediaUrlSigner', () => {
  const signer = new MediaUrlSigner(Buffer.from('secret'));
  const grant = { key: 'inst/MSG1', contentType: 'video/mp4', expires: 2_000_000_000 };

  it('accepts its own signature until the expiry', () => {
    const sig = signer.sign(grant);
    expect(signer.verify(grant, sig, 1_999_999_999)).toBe(true);
    expect(signer.verify(grant, sig, 2_000_000_001)).toBe(false);
  });

  it('refuses a changed key, content type or expiry, and another secret', () => {
    const sig = signer.sign(grant);
    expect(signer.verify({ ...grant, key: 'inst/MSG2' }, sig, 0)).toBe(false);
    expect(signer.verify({ ...grant, contentType: 'text/html' }, sig, 0)).toBe(false);
    expect(signer.verify({ ...grant, expires: grant.expires + 1 }, sig, 0)).toBe(false);
    expect(new MediaUrlSigner(Buffer.from('other')).verify(grant, sig, 0)).toBe(false);
    expect(signer.verify(grant, '', 0)).toBe(false);
  });
});
