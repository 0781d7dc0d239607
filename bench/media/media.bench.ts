/**
 * bench/media: voice-note conversion (MP3 -> OGG/Opus with waveform) and sticker conversion,
 * through the same VoiceNoteConverter / StickerConverter and bounded pool the gateway uses,
 * with the system ffmpeg and sharp. No gateway, database or WhatsApp: this is the conversion
 * cost alone (the send path adds the upload to WhatsApp's media host).
 *
 *   npm run bench:media -- [--concurrency 2] [--single-runs 30] [--batch 40] [--seconds 60] [--sticker-batch 100]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import sharp from 'sharp';
import type { AppConfig } from '@gw/config';
import { ConversionPool, FfmpegService, StickerConverter, VoiceNoteConverter } from '@gw/media';
import { arg, dist, now, procCpuMs, round, saveResults } from '../support/bench.util';

/** Speech-like test audio: a tone gliding 150-350 Hz under a little noise, as TTS services send it (mono MP3, 64 kbit/s). */
function mp3(seconds: number): Buffer {
  const voice = `aevalsrc='0.6*sin(2*PI*(250+100*sin(2*PI*0.5*t))*t)':d=${seconds}:s=44100`;
  return execFileSync(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', voice, '-f', 'lavfi', '-i', `anoisesrc=a=0.05:d=${seconds}:r=44100`,
      '-filter_complex', 'amix=inputs=2:duration=shortest', '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3', 'pipe:1'],
    { maxBuffer: 256 * 1024 * 1024 },
  );
}

/** CPU ms of this process plus its waited-for children (the ffmpeg runs): utime, stime, cutime, cstime. */
function cpuMsWithChildren(): number {
  const stat = readFileSync(`/proc/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 1000) / 100;
}

async function main() {
  const concurrency = Number(arg('concurrency', String(cpus().length)));
  const singleRuns = Number(arg('single-runs', '30'));
  const batch = Number(arg('batch', '40'));
  const seconds = Number(arg('seconds', '60'));
  const stickerBatch = Number(arg('sticker-batch', '100'));
  const config = { media: { ffmpegPath: process.env.FFMPEG_PATH ?? 'ffmpeg', convertConcurrency: concurrency, convertTimeoutMs: 120_000 } } as AppConfig;
  const ffmpeg = new FfmpegService(config);
  await ffmpeg.onModuleInit();
  if (!ffmpeg.available) throw new Error('ffmpeg with libopus is needed (see the log line above)');
  const pool = new ConversionPool({ concurrency, timeoutMs: config.media.convertTimeoutMs, waitingPerSlot: 1000 });
  const voice = new VoiceNoteConverter(ffmpeg, pool);
  const stickers = new StickerConverter(pool);
  await stickers.onModuleInit();

  const input = mp3(seconds);
  const ffmpegVersion = execFileSync('ffmpeg', ['-hide_banner', '-version']).toString().split('\n')[0];
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: `${cpus().length} x ${cpus()[0]?.model}`,
    ffmpeg: ffmpegVersion,
    sharp: sharp.versions.sharp,
    concurrency,
    input: { seconds, format: 'MP3 mono 44.1 kHz 64 kbit/s', bytes: input.length },
  };

  for (let i = 0; i < 2; i++) await voice.convert({ data: input }); // warm-up (page cache, JIT)

  // One 60-second voice note at a time: what a single request waits for its conversion.
  const single: number[] = [];
  let note = await voice.convert({ data: input });
  for (let i = 0; i < singleRuns; i++) {
    const t0 = now();
    note = await voice.convert({ data: input });
    single.push(now() - t0);
  }
  results.singleVoiceNoteMs = dist(single);
  results.output = { bytes: note.data.length, seconds: note.seconds, kbitPerSecond: round((note.data.length * 8) / 1000 / note.seconds, 1) };

  // Pool full: `batch` conversions submitted at once; the pool runs `concurrency` of them.
  const cpu0 = cpuMsWithChildren();
  const t0 = now();
  const latencies = await Promise.all(
    Array.from({ length: batch }, async () => {
      const start = now();
      await voice.convert({ data: input });
      return now() - start;
    }),
  );
  const elapsedS = (now() - t0) / 1000;
  const cpuMs = cpuMsWithChildren() - cpu0;
  results.poolFull = {
    conversions: batch,
    elapsedS: round(elapsedS),
    conversionsPerSecond: round(batch / elapsedS),
    audioSecondsPerSecond: round((batch * seconds) / elapsedS, 1),
    cpuMsPerConversion: round(cpuMs / batch),
    coresBusy: round(cpuMs / 1000 / elapsedS),
    latencyIncludingWaitMs: dist(latencies),
  };

  // Stickers: a 1024x768 photo-like PNG -> 512x512 WebP, pool full.
  const png = await sharp({ create: { width: 1024, height: 768, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
  await stickers.convert({ data: png });
  const s0 = now();
  const stickerMs = await Promise.all(
    Array.from({ length: stickerBatch }, async () => {
      const start = now();
      await stickers.convert({ data: png });
      return now() - start;
    }),
  );
  const stickerS = (now() - s0) / 1000;
  results.stickersPoolFull = { conversions: stickerBatch, perSecond: round(stickerBatch / stickerS), latencyIncludingWaitMs: dist(stickerMs), inputBytes: png.length };
  results.benchProcessCpuMs = procCpuMs(process.pid);

  const file = saveResults('media', results);
  console.log(JSON.stringify(results, null, 2));
  const s = results.singleVoiceNoteMs as { p50: number; p99: number };
  const p = results.poolFull as { conversionsPerSecond: number; audioSecondsPerSecond: number };
  console.log(`\n${seconds}-s MP3 -> voice note, one at a time: p50 ${s.p50} ms, p99 ${s.p99} ms`);
  console.log(`pool of ${concurrency} full: ${p.conversionsPerSecond} conversions/s (${p.audioSecondsPerSecond} s of audio per second)`);
  console.log(`stickers (1024x768 PNG), pool full: ${(results.stickersPoolFull as { perSecond: number }).perSecond}/s`);
  console.log(`results: ${file}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
