import { MEASURE_SAMPLE_RATE, WaveformMeter } from './waveform.util';

/** Mono s16le PCM: `seconds` at a constant absolute amplitude (alternating sign). */
const pcm = (seconds: number, amplitude: number) => {
  const buf = Buffer.alloc(Math.round(seconds * MEASURE_SAMPLE_RATE) * 2);
  for (let i = 0; i < buf.length / 2; i++) buf.writeInt16LE(i % 2 ? amplitude : -amplitude, i * 2);
  return buf;
};

describe('WaveformMeter', () => {
  it('measures duration and 64 bars scaled to the loudest (100)', () => {
    const meter = new WaveformMeter();
    meter.push(Buffer.concat([pcm(1, 10_000), pcm(1, 5_000), pcm(2, 0)]));
    expect(meter.durationSeconds).toBe(4);
    const bars = meter.waveform();
    expect(bars).toHaveLength(64);
    expect([...bars.subarray(0, 16)].every((b) => b === 100)).toBe(true);
    expect([...bars.subarray(16, 32)].every((b) => b === 50)).toBe(true);
    expect([...bars.subarray(32)].every((b) => b === 0)).toBe(true);
  });

  it('samples split across chunks (odd byte boundaries) read the same', () => {
    const whole = Buffer.concat([pcm(0.5, 3000), pcm(0.5, 9000)]);
    const meter = new WaveformMeter();
    for (let i = 0; i < whole.length; i += 333) meter.push(whole.subarray(i, i + 333));
    const reference = new WaveformMeter();
    reference.push(whole);
    expect(meter.durationSeconds).toBe(1);
    expect([...meter.waveform()]).toEqual([...reference.waveform()]);
  });

  it('a note shorter than 64 blocks still fills every bar; silence is all zeros', () => {
    const short = new WaveformMeter();
    short.push(pcm(0.2, 1000));
    expect([...short.waveform()].every((b) => b === 100)).toBe(true);
    const silent = new WaveformMeter();
    silent.push(pcm(1, 0));
    expect([...silent.waveform()].every((b) => b === 0)).toBe(true);
    expect(new WaveformMeter().durationSeconds).toBe(0);
  });
});
