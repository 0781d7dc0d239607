import { isMediaKey, mediaKey } from './media-key.util';

describe('mediaKey', () => {
  it('keeps Baileys ids, encodes ids with other characters, one key per message', () => {
    expect(mediaKey('i-1', '3EB0ABCDEF')).toBe('i-1/3EB0ABCDEF');
    const cloud = mediaKey('i-1', 'wamid.HBgN+/ab==');
    expect(cloud).toMatch(/^i-1\/b64-[A-Za-z0-9_-]+$/);
    expect(cloud).not.toBe(mediaKey('i-1', 'wamid.HBgN+/ac=='));
    expect(isMediaKey(cloud)).toBe(true);
  });

  it('refuses path tricks', () => {
    expect(() => mediaKey('../etc', 'x')).toThrow();
    expect(isMediaKey('../x')).toBe(false);
    expect(isMediaKey('a/b/c')).toBe(false);
    expect(mediaKey('i', '../../x')).toMatch(/^i\/b64-/);
  });
});
