import { chunkBySize } from './chunk.util';

describe('chunkBySize', () => {
  it('keeps every batch under the byte limit, preserves order and loses nothing', () => {
    const items = Array.from({ length: 300 }, (_, i) => ({ i, text: 'x'.repeat(20_000) }));
    const batches = chunkBySize(items, 1_000_000);
    expect(batches.length).toBeGreaterThan(1);
    for (const b of batches) expect(Buffer.byteLength(JSON.stringify(b))).toBeLessThan(1_000_000);
    expect(batches.flat().map((x) => x.i)).toEqual(items.map((x) => x.i));
  });

  it('caps the item count and gives an oversized item its own batch', () => {
    expect(chunkBySize(Array.from({ length: 2500 }, (_, i) => i)).map((b) => b.length)).toEqual([1000, 1000, 500]);
    const big = { blob: 'y'.repeat(3000) };
    expect(chunkBySize([1, big, 2], 1000)).toEqual([[1], [big], [2]]);
  });
});
