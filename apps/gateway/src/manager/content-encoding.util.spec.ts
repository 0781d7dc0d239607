import { pickEncoding } from './content-encoding.util';

describe('pickEncoding', () => {
  const asset = { body: Buffer.from('plain'), br: Buffer.from('br'), gzip: Buffer.from('gz') };

  it('prefers brotli, then gzip, then the plain bytes', () => {
    expect(pickEncoding(asset, 'gzip, deflate, br, zstd')).toEqual(['br', asset.br]);
    expect(pickEncoding(asset, 'gzip, deflate')).toEqual(['gzip', asset.gzip]);
    expect(pickEncoding(asset, '')).toEqual([undefined, asset.body]);
    expect(pickEncoding(asset, 'identity')).toEqual([undefined, asset.body]);
  });

  it('honours q=0 (refused) and other q values', () => {
    expect(pickEncoding(asset, 'br;q=0, gzip;q=0.5')).toEqual(['gzip', asset.gzip]);
    expect(pickEncoding(asset, 'br;q=0.0, gzip;q=0')).toEqual([undefined, asset.body]);
    expect(pickEncoding(asset, 'BR;q=1.0')).toEqual(['br', asset.br]);
  });

  it('serves what exists: no brotli copy means gzip', () => {
    expect(pickEncoding({ body: asset.body, gzip: asset.gzip }, 'br, gzip')).toEqual(['gzip', asset.gzip]);
  });
});
