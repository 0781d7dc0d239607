import { decodeBase64, fileNameFromDisposition, fileNameFromUrl, parseMediaSource } from './media-source.util';

describe('parseMediaSource (URL vs data URI vs base64)', () => {
  const png = Buffer.from('89504e470d0a1a0a', 'hex');

  it('http(s) URLs are downloaded later', () => {
    const source = parseMediaSource('  https://cdn.example.com/a/b/photo.JPG?sig=1 ');
    expect(source).toEqual({ type: 'url', url: new URL('https://cdn.example.com/a/b/photo.JPG?sig=1') });
    expect(parseMediaSource('HTTP://example.com/x').type).toBe('url');
  });

  it('other schemes are refused', () => {
    expect(() => parseMediaSource('ftp://example.com/x.pdf')).toThrow('media URLs must be http or https');
    expect(() => parseMediaSource('file:///etc/passwd')).toThrow('media URLs must be http or https');
  });

  it('bare base64, also wrapped, unpadded or URL-safe', () => {
    expect(parseMediaSource(png.toString('base64'))).toEqual({ type: 'inline', data: png });
    const wrapped = Buffer.alloc(120, 7).toString('base64').replace(/(.{40})/g, '$1\n');
    expect(parseMediaSource(wrapped)).toEqual({ type: 'inline', data: Buffer.alloc(120, 7) });
    expect(decodeBase64('aGVsbG8')).toEqual(Buffer.from('hello'));
    expect(decodeBase64(Buffer.from([0xfb, 0xff]).toString('base64url'))).toEqual(Buffer.from([0xfb, 0xff]));
  });

  it('data URIs keep their declared mimetype (with parameters)', () => {
    expect(parseMediaSource(`data:image/png;base64,${png.toString('base64')}`)).toEqual({ type: 'inline', data: png, mimetype: 'image/png' });
    expect(parseMediaSource(`data:audio/ogg; codecs=opus;base64,${png.toString('base64')}`)).toMatchObject({ mimetype: 'audio/ogg; codecs=opus' });
    expect(parseMediaSource('data:text/plain,hello%20there')).toEqual({ type: 'inline', data: Buffer.from('hello there'), mimetype: 'text/plain' });
    expect(parseMediaSource(`data:;base64,${png.toString('base64')}`)).toEqual({ type: 'inline', data: png });
  });

  it.each(['not base64 !', 'image.jpg', 'abcde', '', '===='])("refuses %j with Evolution's message", (raw) => {
    expect(() => parseMediaSource(raw)).toThrow('Owned media must be a url or base64');
  });
});

describe('file names from the source', () => {
  it('takes the last URL segment when it has an extension', () => {
    expect(fileNameFromUrl(new URL('https://x.y/files/Relat%C3%B3rio%20final.pdf?download=1'))).toBe('Relatório final.pdf');
    expect(fileNameFromUrl(new URL('https://x.y/files/123'))).toBeUndefined();
    expect(fileNameFromUrl(new URL('https://x.y/'))).toBeUndefined();
  });

  it('reads Content-Disposition, preferring filename*', () => {
    expect(fileNameFromDisposition('attachment; filename="report.pdf"')).toBe('report.pdf');
    expect(fileNameFromDisposition("attachment; filename=plain.txt; filename*=UTF-8''na%C3%AFve.txt")).toBe('naïve.txt');
    expect(fileNameFromDisposition('inline')).toBeUndefined();
    expect(fileNameFromDisposition(undefined)).toBeUndefined();
  });
});
