import { execFileSync } from 'node:child_process';
import type { AppConfig } from '@gw/config';
import { ConversionPool } from './conversion-pool';
import { FfmpegService, probeFfmpeg } from './ffmpeg.service';
import { VoiceNoteConverter } from './voice-note-converter.service';

const ffmpeg = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...args, '-f', 'wav', 'pipe:1'], { maxBuffer: 64 * 1024 * 1024 });

/** The real system ffmpeg, as the gateway runs it (no Nest, no gateway). */
describe('VoiceNoteConverter (system ffmpeg)', () => {
  const config = { media: { ffmpegPath: 'ffmpeg', convertConcurrency: 2, convertTimeoutMs: 20_000 } } as AppConfig;
  const service = new FfmpegService(config);
  let converter: VoiceNoteConverter;

  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    await service.onModuleInit();
    converter = new VoiceNoteConverter(service, new ConversionPool({ concurrency: 2, timeoutMs: 20_000 }));
  });

  it('finds ffmpeg with libopus at boot; a missing binary is reported by name', async () => {
    expect(converter.enabled).toBe(true);
    await expect(probeFfmpeg('/nonexistent/ffmpeg')).resolves.toEqual({ available: false, detail: 'ffmpeg not found (FFMPEG_PATH=/nonexistent/ffmpeg)' });
  });

  it('WAV stereo 44.1 kHz -> OGG/Opus mono 48 kHz, with seconds and 64 bars', async () => {
    const wav = ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=300:duration=5', '-ac', '2', '-ar', '44100']);
    const note = await converter.convert({ data: wav });
    expect(note.mimetype).toBe('audio/ogg; codecs=opus');
    expect(note.seconds).toBe(5);
    expect(note.waveform).toHaveLength(64);
    const head = note.data.indexOf('OpusHead');
    expect(note.data.subarray(0, 4).toString('latin1')).toBe('OggS');
    expect([note.data[head + 9], note.data.readUInt32LE(head + 12)]).toEqual([1, 48000]);
  });

  it('errors name the field and never the temp path', async () => {
    await expect(converter.convert({ data: Buffer.alloc(0) }, 'file')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'file: the file is empty' });
    await expect(converter.convert({ data: Buffer.from('hello, not audio') })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'audio: not an audio file ffmpeg can read',
    });
  });

  it('stops ffmpeg at the time limit', async () => {
    const quick = new VoiceNoteConverter(service, new ConversionPool({ concurrency: 1, timeoutMs: 1 }));
    const wav = ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=300:duration=30']);
    await expect(quick.convert({ data: wav })).rejects.toMatchObject({ code: 'TIMED_OUT' });
  });
});
