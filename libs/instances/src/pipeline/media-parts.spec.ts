import { Logger } from '@nestjs/common';
import type { EngineMessage } from '@gw/whatsapp';
import { declaredMimetype, MediaKeeper, MediaParts } from './media-parts';

describe('MediaParts', () => {
  const data = Buffer.alloc(2000, 1);
  const kept: Array<{ id: string; type: string; size: number }> = [];
  const storage = (everything: boolean): MediaKeeper => ({
    storesEverything: everything,
    maxBytes: 10_000,
    keep: async (_i, id, d, type) => {
      kept.push({ id, type, size: d.length });
      return { mediaUrl: `http://media/${id}` };
    },
  });
  const parts = (base64: boolean, keeper?: MediaKeeper, base64MaxBytes = 1000) =>
    new MediaParts({
      instanceId: 'i1',
      instanceName: 'n',
      logger: new Logger('t'),
      wantsBase64: async () => base64,
      base64MaxBytes,
      downloadMedia: async (_m, max) => (data.length <= max ? { ok: true, data } : { ok: false, reason: 'too-large', size: data.length }),
      storage: keeper,
    });
  const message = { imageMessage: { mimetype: 'image/jpeg; foo=bar' } };
  const msg = (id: string): EngineMessage => ({
    key: { remoteJid: '5511900000002@s.whatsapp.net', fromMe: false, id },
    message,
    messageType: 'imageMessage',
    messageTimestamp: 1,
    status: 'DELIVERY_ACK',
    source: 'android',
    hasMedia: true,
  });

  beforeEach(() => (kept.length = 0));

  it('S3 on: every media message is stored and carries mediaUrl, base64 only when asked and small enough', async () => {
    expect(await parts(false, storage(true)).of(msg('M1'), message)).toEqual({ mediaUrl: 'http://media/M1' });
    expect(kept).toEqual([{ id: 'M1', type: 'image/jpeg', size: 2000 }]);
    expect(await parts(true, storage(true)).of(msg('M2'), message)).toEqual({
      mediaUrl: 'http://media/M2',
      base64: null,
      base64Omitted: { reason: 'too-large', size: 2000 },
    });
    expect(await parts(true, storage(true), 5000).of(msg('M3'), message)).toEqual({ mediaUrl: 'http://media/M3', base64: data.toString('base64') });
  });

  it('S3 off: nothing is downloaded unless base64 is asked; then too-large media still arrives by URL', async () => {
    expect(await parts(false, storage(false)).of(msg('M4'), message)).toEqual({});
    expect(kept).toEqual([]);
    expect(await parts(true, storage(false)).of(msg('M5'), message)).toMatchObject({ mediaUrl: 'http://media/M5', base64: null });
  });

  it('without storage, base64 behaves as before', async () => {
    expect(await parts(true, undefined).of(msg('M6'), message)).toEqual({ base64: null, base64Omitted: { reason: 'too-large', size: 2000 } });
  });

  it('reads the mimetype through wrappers', () => {
    expect(declaredMimetype({ ephemeralMessage: { message: { videoMessage: { mimetype: 'video/mp4' } } } })).toBe('video/mp4');
    expect(declaredMimetype({ conversation: 'x' })).toBe('application/octet-stream');
  });
});
