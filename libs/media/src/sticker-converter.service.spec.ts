import sharp from 'sharp';
import { ConversionPool } from './conversion-pool';
import { StickerConverter } from './sticker-converter.service';

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer();

describe('StickerConverter (sharp)', () => {
  const converter = new StickerConverter(new ConversionPool({ concurrency: 1, timeoutMs: 20_000 }));

  beforeAll(() => converter.onModuleInit());

  it('a wide JPEG becomes a 512x512 WebP, padded with transparency above and below', async () => {
    const jpeg = await sharp({ create: { width: 400, height: 100, channels: 3, background: '#3060c0' } }).jpeg().toBuffer();
    const sticker = await converter.convert({ data: jpeg });
    expect(sticker).toMatchObject({ mimetype: 'image/webp', animated: false });
    const { data, info } = await sharp(sticker.data).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([512, 512]);
    const alphaAt = (x: number, y: number) => data[(y * 512 + x) * 4 + 3];
    expect([alphaAt(256, 10), alphaAt(256, 256), alphaAt(256, 500)]).toEqual([0, 255, 0]);
  });

  it('an animated WebP stays animated, every frame 512x512', async () => {
    const frames = await Promise.all(['#f00', '#0f0', '#00f'].map((c) => sharp({ create: { width: 64, height: 64, channels: 4, background: c } }).png().toBuffer()));
    const animatedWebp = await sharp(frames, { join: { animated: true } }).webp({ loop: 0 }).toBuffer();
    const sticker = await converter.convert({ data: animatedWebp });
    expect(sticker.animated).toBe(true);
    expect(await sharp(sticker.data, { animated: true }).metadata()).toMatchObject({ width: 512, pageHeight: 512, pages: 3 });
  });

  it('undecodable, unsupported or huge inputs are named errors', async () => {
    await expect(converter.convert({ data: Buffer.from('nope') })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'sticker: not an image (PNG, JPEG, WebP or GIF expected)',
    });
    const tiff = await sharp(await png(8, 8)).tiff().toBuffer();
    await expect(converter.convert({ data: tiff }, 'file')).rejects.toMatchObject({ message: 'file: tiff images are not accepted (PNG, JPEG, WebP or GIF expected)' });
    const huge = await png(10_000, 5_000);
    await expect(converter.convert({ data: huge })).rejects.toMatchObject({ code: 'TOO_LARGE' });
  });
});
