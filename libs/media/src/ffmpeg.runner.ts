import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { MediaConversionError } from './media-conversion.error';

export interface FfmpegRun {
  /** the arguments after the binary */
  args: string[];
  /** stops the process (SIGKILL) and rejects with the signal's reason */
  signal: AbortSignal;
  /** stdout above this many bytes stops the process with TOO_LARGE carrying `tooLargeMessage` */
  maxOutputBytes: number;
  tooLargeMessage: string;
  /** receives what ffmpeg writes to `pipe:3` (a second output, read as it streams) */
  onPipe3?: (chunk: Buffer) => void;
}

export interface FfmpegResult {
  stdout: Buffer;
}

/** What a failed run printed last (loglevel error), trimmed, for classification and messages. */
export class FfmpegFailure extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`ffmpeg exited with ${exitCode}: ${lastLine(stderr)}`);
    this.name = 'FfmpegFailure';
  }
}

const STDERR_KEEP = 4096;

export const lastLine = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .pop() ?? '';

/**
 * One ffmpeg process: stdout collected up to a size cap, an optional second output on fd 3
 * streamed to a callback, stderr's tail kept for the error, killed on abort. Nothing is
 * written to ffmpeg's stdin (inputs are files: MP4/M4A need a seekable input).
 */
export function runFfmpeg(binary: string, run: FfmpegRun): Promise<FfmpegResult> {
  return new Promise<FfmpegResult>((resolve, reject) => {
    if (run.signal.aborted) return reject(run.signal.reason);
    const child = spawn(binary, run.args, { stdio: ['ignore', 'pipe', 'pipe', run.onPipe3 ? 'pipe' : 'ignore'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let failure: unknown;
    const stop = (reason: unknown) => {
      failure ??= reason;
      child.kill('SIGKILL');
    };
    const onAbort = () => stop(run.signal.reason);
    run.signal.addEventListener('abort', onAbort, { once: true });

    child.stdout!.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > run.maxOutputBytes) return stop(new MediaConversionError('TOO_LARGE', run.tooLargeMessage));
      chunks.push(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
    });
    const pipe3 = child.stdio[3] as Readable | null;
    if (pipe3 && run.onPipe3) pipe3.on('data', run.onPipe3);

    child.on('error', (err) => stop(err));
    // 'close' (not 'exit'): every pipe has been read to its end
    child.on('close', (code) => {
      run.signal.removeEventListener('abort', onAbort);
      if (failure !== undefined) return reject(failure);
      if (code !== 0) return reject(new FfmpegFailure(code, stderr));
      resolve({ stdout: Buffer.concat(chunks) });
    });
  });
}
