import { loadBaileys } from './baileys.loader';
import type { Baileys } from './baileys.loader';
import { encodeBufferJson } from './buffer-json.codec';

describe('encodeBufferJson', () => {
  let baileys: Baileys;
  beforeAll(async () => {
    baileys = await loadBaileys();
  });

  /** The reference text, and how often the replacer was consulted to get ours. */
  const encode = (value: unknown) => {
    let calls = 0;
    const counting = (key: string, v: unknown) => {
      calls++;
      return baileys.BufferJSON.replacer(key, v);
    };
    const text = encodeBufferJson(value, counting);
    return { text, calls, reference: JSON.stringify(value, baileys.BufferJSON.replacer) };
  };

  /** Shapes Baileys stores: sessions as libsignal serialises them (base64 strings), sender keys with Buffers. */
  const session = () => ({
    _sessions: {
      BdUxj0r7: {
        registrationId: 4211,
        currentRatchet: { ephemeralKeyPair: { pubKey: 'BdUxj0r7+/"q"==', privKey: 'aGVsbG8=' }, lastRemoteEphemeralKey: 'BQ==', previousCounter: 0, rootKey: 'cm9vdA==' },
        indexInfo: { baseKey: 'YmFzZQ==', baseKeyType: 2, closed: -1, used: 1733480000000, created: 1733480000000, remoteIdentityKey: 'aWQ=' },
        _chains: { BQ: { chainKey: { counter: 3, key: 'a2V5' }, chainType: 1, messageKeys: {} } },
        pendingPreKey: undefined,
      },
    },
    version: 'v1',
  });
  const senderKey = () => [
    {
      senderKeyId: 1234,
      senderChainKey: { iteration: 7, seed: Buffer.from('seed-bytes-0123456789abcdef01234') },
      senderSigningKey: { public: baileys.Curve.generateKeyPair().public, private: new Uint8Array([1, 2, 3, 250]) },
      senderMessageKeys: [{ iteration: 6, seed: Buffer.alloc(32, 7) }],
    },
  ];

  it('writes the same text as JSON.stringify with BufferJSON.replacer, without the replacer, for the keys written per message', () => {
    for (const value of [session(), senderKey(), { '1': baileys.Curve.generateKeyPair() }, 'lid-mapping@lid', ['dev1', 'dev2'], null, 42, { token: Buffer.from('tc'), timestamp: '1733480000' }]) {
      const { text, calls, reference } = encode(value);
      expect(text).toBe(reference);
      expect(calls).toBe(0);
    }
    // A session carries no Buffer: its text is plain JSON, and it decodes back unchanged.
    const s = session();
    expect(JSON.parse(encode(s).text, baileys.BufferJSON.reviver)).toEqual(JSON.parse(JSON.stringify(s)));
  });

  it('encodes the creds of a new account exactly, and they decode back to the same bytes', () => {
    const creds = baileys.initAuthCreds();
    const { text, calls, reference } = encode(creds);
    expect(text).toBe(reference);
    expect(calls).toBe(0);
    const back = JSON.parse(text, baileys.BufferJSON.reviver);
    expect(Buffer.compare(back.noiseKey.private, Buffer.from(creds.noiseKey.private))).toBe(0);
    expect(Buffer.compare(back.signedIdentityKey.public, Buffer.from(creds.signedIdentityKey.public))).toBe(0);
  });

  it('encodes Buffers that are views into a larger allocation by their own bytes only', () => {
    const pool = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');
    const view = pool.subarray(5, 12);
    const typed = new Uint8Array(pool.buffer, pool.byteOffset + 20, 4);
    const { text, reference } = encode({ view, typed, list: [view, typed] });
    expect(text).toBe(reference);
    expect(JSON.parse(text, baileys.BufferJSON.reviver).view.toString()).toBe('56789ab');
  });

  it('hands anything whose encoding involves toJSON or the replacer’s other cases to the reference path, with the same text', () => {
    const appStateKey = baileys.proto.Message.AppStateSyncKeyData.fromObject({ keyData: Buffer.from('app-state'), timestamp: 1733480000 });
    const nullProto = Object.assign(Object.create(null), { a: Buffer.from('x'), b: 1 });
    const protoKey = JSON.parse('{"__proto__":{"a":1}}') as Record<string, unknown>;
    protoKey.key = Buffer.from('p');
    const cases: unknown[] = [
      { appStateKey },
      { at: new Date(0) },
      { signed: new Int8Array([-1, 2]) },
      { already: { type: 'Buffer', data: [1, 2, 3] } },
      { custom: { toJSON: () => 'custom' } },
      [1, undefined, () => 1, Symbol('s'), NaN, -0, Infinity, 'quote " and \\ and \u2028 é'],
      { keep: 1, dropped: undefined, fn: () => 1 },
      nullProto,
      protoKey,
    ];
    for (const value of cases) {
      const { text, reference } = encode(value);
      expect(text).toBe(reference);
    }
    expect(encode({ appStateKey }).calls).toBeGreaterThan(0);
    expect(encode(nullProto).calls).toBe(0); // a plain record without a prototype still takes the fast path
  });

  it('nests deeper than its limit through the reference path, and fails on a cycle as JSON.stringify does', () => {
    let deep: Record<string, unknown> = { leaf: Buffer.from('leaf') };
    for (let i = 0; i < 100; i++) deep = { next: deep };
    expect(encode(deep).text).toBe(encode(deep).reference);

    const cycle: Record<string, unknown> = { key: Buffer.from('k') };
    cycle.self = cycle;
    expect(() => encodeBufferJson(cycle, baileys.BufferJSON.replacer)).toThrow(TypeError);
  });
});
