import { jsonDepthExceeds } from './json-depth.util';

const nested = (levels: number) => Buffer.from('{"a":'.repeat(levels) + '1' + '}'.repeat(levels));

describe('jsonDepthExceeds', () => {
  it('allows exactly the limit and refuses one level more, for objects and arrays', () => {
    expect(jsonDepthExceeds(nested(32), 32)).toBe(false);
    expect(jsonDepthExceeds(nested(33), 32)).toBe(true);
    expect(jsonDepthExceeds(Buffer.from('['.repeat(33) + ']'.repeat(33)), 32)).toBe(true);
    expect(jsonDepthExceeds(Buffer.from('[{"a":[{"b":[1,2,{}]}]}]'), 6)).toBe(false);
  });

  it('counts breadth as nothing: siblings close before the next opens', () => {
    expect(jsonDepthExceeds(Buffer.from(JSON.stringify(Array.from({ length: 1000 }, () => ({ a: [1] })))), 3)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(Buffer.from(JSON.stringify({ text: '[[[[{{{{' })), 2)).toBe(false);
    expect(jsonDepthExceeds(Buffer.from(JSON.stringify({ text: 'say \\"[[[[\\" and \\\\', x: '[[[' })), 2)).toBe(false);
    expect(jsonDepthExceeds(Buffer.from(JSON.stringify({ t: '\\', deep: [[[1]]] })), 3)).toBe(true);
  });

  it('leaves malformed text (an unterminated string) to JSON.parse', () => {
    expect(jsonDepthExceeds(Buffer.from('{"a": "[[[['), 2)).toBe(false);
  });
});
