import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real media files for tests, made by the system ffmpeg (the gateway's own dependency), so
 * no binary fixtures live in the repository. Call `dispose()` when done.
 */
export class TestMedia {
  private readonly dir = mkdtempSync(join(tmpdir(), 'gw-test-media-'));

  /** `seconds` of audio: a 440 Hz tone for the first `toneSeconds`, silence after. */
  mp3(seconds: number, toneSeconds = seconds): Buffer {
    return this.make('tone.mp3', ['-f', 'lavfi', '-i', `aevalsrc='if(lt(t,${toneSeconds}),0.8*sin(2*PI*440*t),0)':d=${seconds}:s=44100`, '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '64k']);
  }

  png(width: number, height: number): Buffer {
    return this.make('picture.png', ['-f', 'lavfi', '-i', `testsrc=size=${width}x${height}`, '-frames:v', '1']);
  }

  /** An animated GIF of `frames` frames. */
  gif(width: number, height: number, frames: number): Buffer {
    return this.make('anim.gif', ['-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=10`, '-frames:v', String(frames)]);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private make(name: string, args: string[]): Buffer {
    const out = join(this.dir, name);
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, out]);
    return readFileSync(out);
  }
}
