import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type SharpType from 'sharp';
import { ConversionPool } from './conversion-pool';
import { MediaConversionError } from './media-conversion.error';
import type { MediaInput, Sticker } from './media-conversion.types';

type Sharp = typeof SharpType;

export const STICKER_SIZE = 512;
/** Decoding is refused above this many pixels (all frames together): a tiny PNG can claim 100k x 100k. */
export const MAX_STICKER_INPUT_PIXELS = 40_000_000;
const READABLE_FORMATS = ['png', 'jpeg', 'webp', 'gif'];
/** WhatsApp's limits: 100 KB static, 500 KB animated; quality steps down until it fits. */
const MAX_STATIC_BYTES = 100 * 1024;
const MAX_ANIMATED_BYTES = 500 * 1024;
const QUALITY_STEPS = [80, 60, 40, 25];
const TRANSPARENT = { r: 0, g: 0, b: 0, alpha: 0 };

/**
 * PNG, JPEG, WebP or GIF -> a 512x512 WebP sticker, the picture fitted inside with transparent
 * padding; an animated GIF or WebP stays animated (every frame resized). Runs in the shared
 * conversion pool; sharp's own timeout stops libvips at the pool's time limit.
 */
@Injectable()
export class StickerConverter implements OnModuleInit {
  private readonly logger = new Logger('Media');
  private sharp?: Sharp;

  constructor(@Inject(ConversionPool) private readonly pool: ConversionPool) {}

  /** false when sharp's prebuilt binary does not load on this platform: only WebP stickers are sent. */
  get enabled(): boolean {
    return !!this.sharp;
  }

  async onModuleInit(): Promise<void> {
    try {
      this.sharp = (await import('sharp')).default;
    } catch (err) {
      this.logger.warn(`Sticker conversion is OFF: sharp does not load here (${(err as Error).message.split('\n')[0]}); only WebP stickers are accepted`);
    }
  }

  async convert(input: MediaInput, what = 'sticker'): Promise<Sticker> {
    const sharp = this.sharp;
    if (!sharp) throw new Error('sticker conversion is off (sharp did not load)');
    if (!input.data.length) throw new MediaConversionError('INVALID_INPUT', `${what}: the file is empty`);
    return this.pool.run(what, async (signal) => {
      const seconds = Math.max(1, Math.ceil(this.pool.timeoutMs / 1000));
      const open = () =>
        sharp(input.data, { animated: true, limitInputPixels: MAX_STICKER_INPUT_PIXELS }).timeout({ seconds });
      const meta = await open()
        .metadata()
        .catch((err: Error) => {
          throw decodeError(err, what);
        });
      if (!meta.format || !READABLE_FORMATS.includes(meta.format)) {
        throw new MediaConversionError('INVALID_INPUT', `${what}: ${meta.format ?? 'unknown'} images are not accepted (PNG, JPEG, WebP or GIF expected)`);
      }
      if ((meta.width ?? 0) * (meta.height ?? 0) > MAX_STICKER_INPUT_PIXELS) {
        throw new MediaConversionError('TOO_LARGE', `${what}: the image is too large (more than ${MAX_STICKER_INPUT_PIXELS / 1e6} megapixels)`);
      }
      const animated = (meta.pages ?? 1) > 1;
      const limit = animated ? MAX_ANIMATED_BYTES : MAX_STATIC_BYTES;
      let data: Buffer | undefined;
      for (const quality of QUALITY_STEPS) {
        if (signal.aborted) throw signal.reason;
        data = await open()
          .resize(STICKER_SIZE, STICKER_SIZE, { fit: 'contain', background: TRANSPARENT })
          .webp({ quality, effort: 4 })
          .toBuffer()
          .catch((err: Error) => {
            throw decodeError(err, what);
          });
        if (data.length <= limit) break;
      }
      // still over WhatsApp's size at the lowest quality: sent anyway, the phone shows it
      return { data: data!, mimetype: 'image/webp', animated };
    });
  }
}

function decodeError(err: Error, what: string): MediaConversionError {
  const said = err.message.split('\n')[0];
  if (/pixel limit/i.test(said)) {
    return new MediaConversionError('TOO_LARGE', `${what}: the image is too large (more than ${MAX_STICKER_INPUT_PIXELS / 1e6} megapixels)`);
  }
  if (/unsupported image format/i.test(said)) {
    return new MediaConversionError('INVALID_INPUT', `${what}: not an image (PNG, JPEG, WebP or GIF expected)`);
  }
  if (/timeout/i.test(said)) return new MediaConversionError('TIMED_OUT', `${what}: conversion took too long and was stopped`);
  return new MediaConversionError('INVALID_INPUT', `${what}: the image could not be decoded (${said})`);
}
