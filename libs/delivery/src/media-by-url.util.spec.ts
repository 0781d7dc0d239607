import { mediaByUrl } from './media-by-url.util';

describe('mediaByUrl', () => {
  const b64 = Buffer.alloc(3000, 7).toString('base64');

  it('replaces inline base64 by the reason when the media has a mediaUrl', () => {
    const body = JSON.stringify({ event: 'messages.upsert', data: { key: { id: 'A' }, message: { mediaUrl: 'http://x/m', base64: b64 } } });
    const slim = JSON.parse(mediaByUrl(body)!);
    expect(slim.data.message).toEqual({ mediaUrl: 'http://x/m', base64: null, base64Omitted: { reason: 'body-too-large', size: 3000 } });
    expect(slim.data.key).toEqual({ id: 'A' });
  });

  it('leaves bodies without a stored copy alone (they stay too_large)', () => {
    expect(mediaByUrl(JSON.stringify({ data: { message: { base64: b64 } } }))).toBeUndefined();
    expect(mediaByUrl(JSON.stringify({ data: { message: { mediaUrl: 'http://x/m', base64: null } } }))).toBeUndefined();
    expect(mediaByUrl('{"mediaUrl": not json')).toBeUndefined();
  });

  it('handles lists of records', () => {
    const body = JSON.stringify({ data: [{ message: { conversation: 'x' } }, { message: { mediaUrl: 'u', base64: b64 } }] });
    expect(JSON.parse(mediaByUrl(body)!).data[1].message.base64).toBeNull();
  });
});
