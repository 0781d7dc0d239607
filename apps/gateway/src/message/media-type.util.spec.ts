import { describeMedia, extensionFor, mimetypeFromFileName, sniffMimetype } from './media-type.util';

const bytes = (hex: string, pad = 16) => Buffer.concat([Buffer.from(hex, 'hex'), Buffer.alloc(pad)]);
const ascii = (text: string, pad = 16) => Buffer.concat([Buffer.from(text, 'latin1'), Buffer.alloc(pad)]);

describe('mimetype detection', () => {
  it.each([
    [bytes('ffd8ffe0'), 'image/jpeg'],
    [bytes('89504e470d0a1a0a'), 'image/png'],
    [ascii('GIF89a'), 'image/gif'],
    [ascii('RIFF\0\0\0\0WEBPVP8 '), 'image/webp'],
    [ascii('RIFF\0\0\0\0WAVEfmt '), 'audio/wav'],
    [ascii('%PDF-1.7'), 'application/pdf'],
    [ascii('OggS'), 'audio/ogg'],
    [ascii('ID3\x04'), 'audio/mpeg'],
    [bytes('fffb9064'), 'audio/mpeg'],
    [ascii('\0\0\0\x20ftypisom'), 'video/mp4'],
    [ascii('\0\0\0\x20ftypM4A '), 'audio/mp4'],
    [ascii('\0\0\0\x14ftypqt  '), 'video/quicktime'],
    [bytes('504b0304'), 'application/zip'],
    [ascii('hello world'), undefined],
  ])('sniffs %#', (buf, mimetype) => {
    expect(sniffMimetype(buf)).toBe(mimetype);
  });

  it('maps extensions both ways', () => {
    expect(mimetypeFromFileName('Invoice.PDF')).toBe('application/pdf');
    expect(mimetypeFromFileName('sheet.xlsx')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(mimetypeFromFileName('noext')).toBeUndefined();
    expect(extensionFor('image/jpeg')).toBe('jpg');
    expect(extensionFor('audio/ogg; codecs=opus')).toBe('ogg');
  });
});

describe('describeMedia (which mimetype and file name are sent)', () => {
  const jpeg = bytes('ffd8ffe0');
  const zip = bytes('504b0304');

  it("the client's mimetype and fileName win, as in Evolution", () => {
    expect(describeMedia(jpeg, 'image', { mimetype: 'image/png', fileName: 'x.png' })).toEqual({ data: jpeg, mimetype: 'image/png', fileName: 'x.png' });
  });

  it('then the bytes, then what the source declared, then the extension, then a default', () => {
    expect(describeMedia(jpeg, 'image', {}, { mimetype: 'text/plain' }).mimetype).toBe('image/jpeg');
    expect(describeMedia(ascii('plain'), 'document', {}, { mimetype: 'text/csv', fileName: 'a.txt' }).mimetype).toBe('text/csv');
    expect(describeMedia(ascii('plain'), 'document', {}, { mimetype: 'application/octet-stream', fileName: 'a.txt' }).mimetype).toBe('text/plain');
    expect(describeMedia(ascii('plain'), 'video').mimetype).toBe('video/mp4');
  });

  it('zip signatures defer to the declared type or extension (docx, xlsx, apk are zips)', () => {
    expect(describeMedia(zip, 'document', { fileName: 'cv.docx' }).mimetype).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(describeMedia(zip, 'document').mimetype).toBe('application/zip');
  });

  it('documents always get a file name; other media only when known', () => {
    expect(describeMedia(bytes('255044462d'), 'document').fileName).toBe('document.pdf');
    expect(describeMedia(bytes('255044462d'), 'document', {}, { fileName: 'from-url.pdf' }).fileName).toBe('from-url.pdf');
    expect(describeMedia(jpeg, 'image').fileName).toBeUndefined();
  });
});
