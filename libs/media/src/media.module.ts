import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { ConversionPool } from './conversion-pool';
import { FfmpegService } from './ffmpeg.service';
import { StickerConverter } from './sticker-converter.service';
import { VoiceNoteConverter } from './voice-note-converter.service';

/**
 * Media conversion for outgoing messages: voice notes (ffmpeg) and stickers (sharp) share one
 * bounded pool. Storage (S3 / signed URLs) and Cloud API media belong here too, as they come.
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
  ],
  exports: [ConversionPool, VoiceNoteConverter, StickerConverter],
})
export class MediaModule {}
