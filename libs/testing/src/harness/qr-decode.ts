import jsQR from 'jsqr';
import { PNG } from 'pngjs';

/** Decodes a `data:image/png;base64,` QR image back to its text, as a phone camera would. */
export function decodeQrDataUrl(dataUrl: string): string | undefined {
  const prefix = 'data:image/png;base64,';
  if (!dataUrl.startsWith(prefix)) throw new Error('not a PNG data URL');
  const png = PNG.sync.read(Buffer.from(dataUrl.slice(prefix.length), 'base64'));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}
