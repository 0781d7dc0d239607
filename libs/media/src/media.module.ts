import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { ConversionPool } from './conversion-pool';
import { FfmpegService } from './ffmpeg.service';
import { MediaStorage } from './storage/media-storage.service';
import { StickerConverter } from './sticker-converter.service';
import { VoiceNoteConverter } from './voice-note-converter.service';

/**
 * Media conversion for outgoing messages: voice notes (ffmpeg) and stickers (sharp) share one
 * bounded pool. Storage: S3 or the gateway's disk behind signed URLs (MediaStorage).
 */
@Module({
  providers: [
    {
      provide: ConversionPool,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new ConversionPool({ concurrency: config.media.convertConcurrency, timeoutMs: config.media.convertTimeoutMs }),
    },
    FfmpegService,
    VoiceNoteConverter,
    StickerConverter,
    MediaStorage,
  ],
  exports: [ConversionPool, VoiceNoteConverter, StickerConverter, MediaStorage],
})
export class MediaModule {}
