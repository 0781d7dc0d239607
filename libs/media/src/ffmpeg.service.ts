import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { APP_CONFIG, AppConfig } from '@gw/config';

const PROBE_TIMEOUT_MS = 10_000;

export interface FfmpegStatus {
  available: boolean;
  /** e.g. "5.1.8-0+deb12u1" when available; why not, otherwise */
  detail: string;
}

/**
 * Finds out once, at boot, whether FFMPEG_PATH runs and can encode Opus, and says so in the
 * log: voice-note conversion depends on it, and a silent fallback would look like a bug.
 */
@Injectable()
export class FfmpegService implements OnModuleInit {
  private readonly logger = new Logger('Media');
  private status: FfmpegStatus = { available: false, detail: 'not checked yet' };

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get binary(): string {
    return this.config.media.ffmpegPath;
  }

  get available(): boolean {
    return this.status.available;
  }

  async onModuleInit(): Promise<void> {
    this.status = await probeFfmpeg(this.binary);
    if (this.status.available) {
      this.logger.log(
        `Voice-note conversion on: ffmpeg ${this.status.detail} (libopus), ${this.config.media.convertConcurrency} at once`,
      );
    } else {
      this.logger.warn(
        `Voice-note conversion is OFF: ${this.status.detail}. Audio for voice notes is sent as given ` +
          `(install ffmpeg with libopus, or set FFMPEG_PATH, to convert MP3/M4A/WAV/... to OGG/Opus)`,
      );
    }
  }
}

/** Runs `ffmpeg -encoders`: proves the binary starts, tells its version and whether libopus is in. */
export function probeFfmpeg(binary: string): Promise<FfmpegStatus> {
  return new Promise((resolve) => {
    execFile(binary, ['-encoders'], { timeout: PROBE_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? `ffmpeg not found (FFMPEG_PATH=${binary})` : `ffmpeg (FFMPEG_PATH=${binary}) does not run: ${err.message.split('\n')[0]}`;
        return resolve({ available: false, detail: why });
      }
      const version = /ffmpeg version (\S+)/.exec(`${stderr}${stdout}`)?.[1] ?? 'unknown version';
      if (!/^\s*A\S*\s+libopus\s/m.test(stdout)) {
        return resolve({ available: false, detail: `ffmpeg ${version} (FFMPEG_PATH=${binary}) has no libopus encoder` });
      }
      resolve({ available: true, detail: version });
    });
  });
}
