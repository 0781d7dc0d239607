export * from './conversion-pool';
export * from './ffmpeg.service';
export * from './media-conversion.error';
export * from './media-conversion.types';
export * from './media.module';
export * from './sticker-converter.service';
export * from './voice-note-converter.service';
export * from './waveform.util';
