import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

/** Debian's `chromium` package (what .ci/run installs), or CHROMIUM_PATH. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no Chromium found (tried ${candidates.join(', ')}): apt-get install chromium, or set CHROMIUM_PATH`);
  return found;
}

/** A real headless Chromium driven by playwright-core (no browser download: the system one). */
export function launchChromium(): Promise<Browser> {
  // CI runs as root, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox'] });
}

/** Reads a QR code from a screenshot of what the page shows, as a phone camera would. */
export function decodeQrScreenshot(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}
