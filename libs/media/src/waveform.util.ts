/** Samples per second of the PCM copy ffmpeg decodes for measuring (loudness needs little). */
export const MEASURE_SAMPLE_RATE = 8000;
/** WhatsApp's voice-note waveform: 64 bars, each 0-100. */
export const WAVEFORM_BARS = 64;
/** 10 ms blocks: fine enough for 64 bars of a 1 s note, small enough for hours of audio. */
const BLOCK_SAMPLES = MEASURE_SAMPLE_RATE / 100;

/**
 * Reads mono signed 16-bit little-endian PCM as it streams out of ffmpeg and keeps only the
 * mean loudness of each 10 ms block, so memory stays small whatever the length. At the end it
 * gives the duration and the 64-bar waveform (bucket means, scaled so the loudest bar is 100,
 * as WhatsApp and Baileys' own computation do).
 */
export class WaveformMeter {
  private readonly blocks: number[] = [];
  private blockSum = 0;
  private blockCount = 0;
  private samples = 0;
  private carry?: number;

  push(chunk: Buffer): void {
    let offset = 0;
    if (this.carry !== undefined && chunk.length > 0) {
      this.add(Buffer.from([this.carry, chunk[0]]).readInt16LE(0));
      this.carry = undefined;
      offset = 1;
    }
    for (; offset + 1 < chunk.length; offset += 2) this.add(chunk.readInt16LE(offset));
    if (offset < chunk.length) this.carry = chunk[offset];
  }

  /** Length of what was pushed, in seconds (fractional). */
  get durationSeconds(): number {
    return this.samples / MEASURE_SAMPLE_RATE;
  }

  waveform(): Uint8Array {
    const blocks = this.blockCount ? [...this.blocks, this.blockSum / this.blockCount] : this.blocks;
    const bars = new Uint8Array(WAVEFORM_BARS);
    if (!blocks.length) return bars;
    const means = Array.from({ length: WAVEFORM_BARS }, (_, i) => {
      const start = Math.floor((i * blocks.length) / WAVEFORM_BARS);
      // a note shorter than 64 blocks repeats blocks rather than leaving bars empty
      const end = Math.max(start + 1, Math.floor(((i + 1) * blocks.length) / WAVEFORM_BARS));
      let sum = 0;
      for (let b = start; b < end; b++) sum += blocks[b];
      return sum / (end - start);
    });
    const loudest = Math.max(...means);
    if (loudest > 0) means.forEach((m, i) => (bars[i] = Math.floor((100 * m) / loudest)));
    return bars;
  }

  private add(sample: number): void {
    this.samples++;
    this.blockSum += Math.abs(sample);
    if (++this.blockCount === BLOCK_SAMPLES) {
      this.blocks.push(this.blockSum / BLOCK_SAMPLES);
      this.blockSum = 0;
      this.blockCount = 0;
    }
  }
}
