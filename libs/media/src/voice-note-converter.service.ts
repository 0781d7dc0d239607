import { Inject, Injectable } from '@nestjs/common';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversionPool } from './conversion-pool';
import { FfmpegFailure, lastLine, runFfmpeg } from './ffmpeg.runner';
import { FfmpegService } from './ffmpeg.service';
import { MediaConversionError } from './media-conversion.error';
import type { MediaInput, VoiceNote } from './media-conversion.types';
import { MEASURE_SAMPLE_RATE, WaveformMeter } from './waveform.util';

/** WhatsApp refuses audio above 16 MB; at 32 kbit/s that is over an hour of speech. */
export const MAX_VOICE_NOTE_BYTES = 16 * 1024 * 1024;
/** Speech at WhatsApp's own voice-note quality. */
const OPUS_BITRATE = '32k';
/** libopus effort 0-10 (default 10): 5 costs 40 % less CPU (measured); a small quality trade-off, not checked by ear. */
const OPUS_COMPLEXITY = '5';

/** One decode, two outputs: the voice note on stdout, low-rate PCM on fd 3 for duration and waveform. */
const voiceNoteArgs = (input: string) => [
  '-hide_banner', '-nostdin', '-loglevel', 'error', '-i', input,
  '-map', '0:a:0', '-vn', '-sn', '-dn', '-map_metadata', '-1',
  '-ac', '1', '-ar', '48000', '-c:a', 'libopus', '-b:a', OPUS_BITRATE, '-application', 'voip', '-compression_level', OPUS_COMPLEXITY,
  '-f', 'ogg', 'pipe:1',
  '-map', '0:a:0', '-ac', '1', '-ar', String(MEASURE_SAMPLE_RATE), '-f', 's16le', 'pipe:3',
];

/**
 * Any audio ffmpeg reads (MP3, M4A/AAC, WAV, OGG/Vorbis, WebM/Opus, AMR, ...) -> a voice note
 * as WhatsApp records them: OGG/Opus mono 48 kHz, with its length and a waveform measured from
 * the decoded sound. Runs in the shared conversion pool, each run time- and size-limited.
 */
@Injectable()
export class VoiceNoteConverter {
  constructor(
    private readonly ffmpeg: FfmpegService,
    @Inject(ConversionPool) private readonly pool: ConversionPool,
  ) {}

  /** false when ffmpeg (with libopus) was not found at boot: callers send audio as given. */
  get enabled(): boolean {
    return this.ffmpeg.available;
  }

  /** `what` names the field in error messages (`audio`, `media`, `file`...). */
  async convert(input: MediaInput, what = 'audio'): Promise<VoiceNote> {
    if (!input.data.length) throw new MediaConversionError('INVALID_INPUT', `${what}: the file is empty`);
    return this.pool.run(what, (signal) => this.run(input.data, what, signal));
  }

  private async run(data: Buffer, what: string, signal: AbortSignal): Promise<VoiceNote> {
    const dir = await mkdtemp(join(tmpdir(), 'gw-voice-'));
    const inputPath = join(dir, 'input');
    try {
      await writeFile(inputPath, data);
      const meter = new WaveformMeter();
      let ogg: Buffer;
      try {
        ({ stdout: ogg } = await runFfmpeg(this.ffmpeg.binary, {
          args: voiceNoteArgs(inputPath),
          signal,
          maxOutputBytes: MAX_VOICE_NOTE_BYTES,
          tooLargeMessage: `${what}: the voice note would be larger than ${MAX_VOICE_NOTE_BYTES / (1024 * 1024)} MB`,
          onPipe3: (chunk) => meter.push(chunk),
        }));
      } catch (err) {
        throw err instanceof FfmpegFailure ? notAudio(err, what, inputPath) : err;
      }
      if (!ogg.length || meter.durationSeconds === 0) {
        throw new MediaConversionError('INVALID_INPUT', `${what}: the file contains no sound to convert`);
      }
      return {
        data: ogg,
        mimetype: 'audio/ogg; codecs=opus',
        seconds: Math.max(1, Math.round(meter.durationSeconds)),
        waveform: meter.waveform(),
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** ffmpeg's complaint as a 400 naming the problem; our temp path never reaches the client. */
function notAudio(failure: FfmpegFailure, what: string, inputPath: string): MediaConversionError {
  const said = failure.stderr;
  if (/matches no streams|does not contain any stream/i.test(said)) {
    return new MediaConversionError('INVALID_INPUT', `${what}: the file has no audio track`);
  }
  if (/Invalid data found|Invalid argument|could not find codec parameters|moov atom not found|Failed to read|Invalid header/i.test(said)) {
    return new MediaConversionError('INVALID_INPUT', `${what}: not an audio file ffmpeg can read`);
  }
  const detail = lastLine(said.split(inputPath).join('input')).slice(0, 200);
  return new MediaConversionError('INVALID_INPUT', `${what}: could not convert to a voice note${detail ? ` (ffmpeg: ${detail})` : ''}`);
}
