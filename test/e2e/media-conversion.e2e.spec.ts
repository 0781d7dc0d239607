import sharp from 'sharp';
import type { ApiResponse, ClientMessageRecord, GatewayProcess } from '@gw/testing';
import { API_KEY, E2eEnvironment } from '../support/e2e-env';
import { TestMedia } from '../support/test-media';

type MediaMessage = { mimetype?: string; directPath: string; mediaKey: Uint8Array | string; ptt?: boolean; seconds?: number; waveform?: Uint8Array | string; fileName?: string };
const bytes = (v: Uint8Array | string | undefined) => (typeof v === 'string' ? Buffer.from(v, 'base64') : Buffer.from(v ?? []));

/**
 * Voice notes, stickers and multipart uploads end to end: the real gateway (system ffmpeg,
 * sharp) with real Baileys inside, uploading to the fake WhatsApp media host; the test decrypts
 * each upload with the message's mediaKey, as the recipient's phone would.
 */
describe('media conversion and uploads (e2e)', () => {
  const env = new E2eEnvironment();
  const media = new TestMedia();
  const NAME = 'media';
  let gateway: GatewayProcess;
  let alice: { jid: string; phone: string };

  beforeAll(async () => {
    await env.start({ mediaHost: true });
    gateway = await env.startGateway({ SEND_TIMEOUT_MS: '15000', MEDIA_CONVERT_CONCURRENCY: '2' });
    await env.linkInstance(gateway, NAME);
    alice = env.fake.createAccount({ pushName: 'Alice' });
  });

  afterAll(async () => {
    media.dispose();
    await env.stop();
  });

  const send = (action: string, body: unknown) => gateway.api('POST', `/message/${action}/${NAME}`, { apikey: API_KEY, body });

  const upload = async (
    action: string,
    fields: Record<string, string>,
    file?: { data: Buffer; name: string; type: string },
    apikey = API_KEY,
  ): Promise<ApiResponse> => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file) form.append('file', new Blob([file.data], { type: file.type }), file.name);
    const res = await fetch(`${gateway.url}/message/${action}/${NAME}`, { method: 'POST', headers: { apikey }, body: form });
    return { status: res.status, body: await res.json() };
  };

  const received = async (id: string): Promise<ClientMessageRecord> =>
    env.fake.messagesFromClient.find((m) => m.id === id) ?? env.fake.waitFor('client-message', (m) => m.id === id);

  /** The media message the recipient got, and its decrypted bytes. */
  const arrived = async (id: string, type: 'audioMessage' | 'stickerMessage' | 'documentMessage' | 'imageMessage') => {
    const message = (await received(id)).message as Record<string, MediaMessage & { message?: Record<string, MediaMessage> }>;
    const got = message[type] ?? message.documentWithCaptionMessage?.message?.[type];
    expect(got?.directPath).toMatch(/^\/mms\//);
    const kind = type.replace('Message', '') as 'audio' | 'sticker' | 'document' | 'image';
    return { message: got!, data: env.fake.media!.decrypt(got!.directPath, got!.mediaKey, kind) };
  };

  it('sendWhatsAppAudio: an MP3 arrives as an OGG/Opus mono 48 kHz voice note with its length and a measured waveform', async () => {
    const mp3 = media.mp3(3, 2); // 2 s of tone, then 1 s of silence
    const res = await send('sendWhatsAppAudio', { number: alice.phone, audio: mp3.toString('base64') });
    expect(res.status).toBe(201);
    const { message, data } = await arrived(res.body.key.id, 'audioMessage');
    expect(message).toMatchObject({ ptt: true, mimetype: 'audio/ogg; codecs=opus', seconds: 3 });
    expect(data.subarray(0, 4).toString('latin1')).toBe('OggS');
    const head = data.indexOf('OpusHead');
    expect(head).toBeGreaterThan(0);
    expect(data[head + 9]).toBe(1); // channels
    expect(data.readUInt32LE(head + 12)).toBe(48000); // input sample rate
    const waveform = bytes(message.waveform);
    expect(waveform).toHaveLength(64);
    // the tone fills the first two thirds, silence the last: the bars show it
    expect(Math.min(...waveform.subarray(2, 40))).toBeGreaterThan(80);
    expect(Math.max(...waveform.subarray(45))).toBe(0);
  });

  it('encoding: false (multipart form field, or v1 options.encoding) sends the bytes as given; sendMedia audio + ptt converts', async () => {
    const mp3 = media.mp3(2);
    const raw = await upload('sendWhatsAppAudio', { number: alice.phone, encoding: 'false', delay: '100' }, { data: mp3, name: 'note.mp3', type: 'audio/mpeg' });
    expect(raw.status).toBe(201);
    const asGiven = await arrived(raw.body.key.id, 'audioMessage');
    expect(asGiven.data.equals(mp3)).toBe(true);
    expect(asGiven.message.mimetype).toBe('audio/mpeg');
    // v1: options.encoding
    const v1 = await send('sendWhatsAppAudio', { number: alice.phone, options: { encoding: false }, audioMessage: { audio: mp3.toString('base64') } });
    expect(v1.status).toBe(201);
    expect((await arrived(v1.body.key.id, 'audioMessage')).data.equals(mp3)).toBe(true);

    const voice = await send('sendMedia', { number: alice.phone, mediatype: 'audio', media: mp3.toString('base64'), ptt: true });
    expect(voice.status).toBe(201);
    const converted = await arrived(voice.body.key.id, 'audioMessage');
    expect(converted.message).toMatchObject({ ptt: true, mimetype: 'audio/ogg; codecs=opus', seconds: 2 });
    expect(converted.data.subarray(0, 4).toString('latin1')).toBe('OggS');
  });

  it('sendSticker: a PNG becomes a 512x512 WebP with transparent padding; an animated GIF stays animated', async () => {
    const res = await send('sendSticker', { number: alice.phone, sticker: media.png(300, 120).toString('base64') });
    expect(res.status).toBe(201);
    const { message, data } = await arrived(res.body.key.id, 'stickerMessage');
    expect(message.mimetype).toBe('image/webp');
    expect(data.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(data.subarray(8, 12).toString('latin1')).toBe('WEBP');
    const { data: pixels, info } = await sharp(data).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([512, 512]);
    expect(pixels[3]).toBe(0); // top-left corner: padding, transparent
    expect(pixels[(256 * 512 + 256) * 4 + 3]).toBe(255); // centre: the picture

    const gif = await upload('sendSticker', { number: alice.phone }, { data: media.gif(160, 160, 6), name: 'anim.gif', type: 'image/gif' });
    expect(gif.status).toBe(201);
    const animated = await arrived(gif.body.key.id, 'stickerMessage');
    const meta = await sharp(animated.data, { animated: true }).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 512, pageHeight: 512, pages: 6 });
  });

  it('multipart: a file part arrives with the same bytes; form fields are validated like JSON', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(200_000, 7)]);
    const res = await upload('sendMedia', { number: alice.phone, mediatype: 'document', caption: 'the contract' }, { data: pdf, name: 'contract.pdf', type: 'application/pdf' });
    expect(res.status).toBe(201);
    const { message, data } = await arrived(res.body.key.id, 'documentMessage');
    expect(data.equals(pdf)).toBe(true);
    expect(message).toMatchObject({ mimetype: 'application/pdf', fileName: 'contract.pdf' });

    const png = media.png(64, 64);
    const status = await upload('sendStatus', { type: 'image', statusJidList: alice.phone }, { data: png, name: 'story.png', type: 'image/png' });
    expect(status.status).toBe(201);
    expect(status.body.key.remoteJid).toBe('status@broadcast');

    const bad: [string, Record<string, string>, RegExp][] = [
      ['sendMedia', { number: alice.phone, mediatype: 'gif' }, /^mediatype must be one of/],
      ['sendMedia', { number: alice.phone, mediatype: 'image', delay: 'soon' }, /^delay must be an integer/],
      ['sendMedia', { number: alice.phone, mediatype: 'image', media: 'https://example.com/x.png' }, /^Give the media either as the "file" part or in "media", not both/],
      ['sendStatus', { type: 'text', statusJidList: alice.phone }, /^type text takes its text in content, not a file/],
    ];
    for (const [action, fields, pattern] of bad) {
      const answer = await upload(action, fields, { data: png, name: 'x.png', type: 'image/png' });
      expect({ action, status: answer.status, error: answer.body.error }).toEqual({ action, status: 400, error: 'Bad Request' });
      expect(answer.body.response.message).toEqual(expect.arrayContaining([expect.stringMatching(pattern)]));
    }
    // the key is checked before the upload is parsed
    const stranger = await upload('sendMedia', { number: alice.phone, mediatype: 'document' }, { data: pdf, name: 'x.pdf', type: 'application/pdf' }, 'wrong-key');
    expect(stranger.status).toBe(401);
    // over 64 MB: refused as it streams in, at the 64 MB mark
    const huge = await upload('sendMedia', { number: alice.phone, mediatype: 'document' }, { data: Buffer.alloc(64 * 1024 * 1024 + 1), name: 'big.bin', type: 'application/octet-stream' });
    expect(huge).toEqual({ status: 413, body: { status: 413, error: 'Payload Too Large', response: { message: ['file: media is larger than 64 MB'] } } });
    // no file part: the media field is required as in JSON
    const missing = await upload('sendMedia', { number: alice.phone, mediatype: 'image' });
    expect(missing.status).toBe(400);
    expect(missing.body.response.message).toEqual(expect.arrayContaining([expect.stringMatching(/^media /)]));
  });

  it('junk audio, a picture as audio and junk stickers are 400s naming the problem', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['sendWhatsAppAudio', { number: alice.phone, audio: Buffer.from('this is not audio at all, just text').toString('base64') }, /^audio: not an audio file ffmpeg can read$/],
      ['sendWhatsAppAudio', { number: alice.phone, audio: media.png(32, 32).toString('base64') }, /^audio: the file has no audio track$/],
      ['sendSticker', { number: alice.phone, sticker: Buffer.from('not an image either').toString('base64') }, /^sticker: not an image \(PNG, JPEG, WebP or GIF expected\)$/],
    ];
    for (const [action, body, pattern] of cases) {
      const res = await send(action, body);
      expect({ action, res }).toEqual({ action, res: { status: 400, body: { status: 400, error: 'Bad Request', response: { message: [expect.stringMatching(pattern)] } } } });
    }
    // the pool and the send queue are free again
    const ok = await send('sendText', { number: alice.phone, text: 'still here' });
    expect(ok.status).toBe(201);
  });

  it('the OpenAPI document offers multipart with a binary file part on the four media routes', async () => {
    const doc = await gateway.api('GET', '/docs-json');
    for (const action of ['sendMedia', 'sendWhatsAppAudio', 'sendSticker', 'sendStatus']) {
      const body = doc.body.paths[`/message/${action}/{instanceName}`].post.requestBody;
      const multipart = body.content['multipart/form-data'].schema.oneOf.find((s: { allOf?: unknown }) => s.allOf);
      expect({ action, file: multipart?.allOf[1].properties.file }).toEqual({ action, file: expect.objectContaining({ type: 'string', format: 'binary' }) });
    }
    expect(doc.body.paths['/message/sendText/{instanceName}'].post.requestBody.content['multipart/form-data']).toBeUndefined();
  });

  it('boot says clearly that voice-note conversion is off when ffmpeg is missing', async () => {
    expect(gateway.logs.join('\n')).toMatch(/Voice-note conversion on: ffmpeg \S+ \(libopus\), 2 at once/);
    const without = await env.startGateway({ FFMPEG_PATH: '/nonexistent/ffmpeg', NODE_ID: 'no-ffmpeg' });
    // logged before the gateway reports listening
    expect(without.logs.join('\n')).toMatch(/Voice-note conversion is OFF: ffmpeg not found \(FFMPEG_PATH=\/nonexistent\/ffmpeg\)\. Audio for voice notes is sent as given/);
    await without.stop();
  });
});
