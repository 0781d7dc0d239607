import type { Request, Response } from 'express';
import { EvolutionException } from './evolution.exception';
import { rejectNulCharacters } from './nul-character.middleware';

/** What the middleware passes on: undefined (request goes on) or the 400 it raises. */
function run(req: Partial<Request>, part: 'url' | 'body' = req.body === undefined ? 'url' : 'body'): EvolutionException | undefined {
  let passed: unknown = 'not called';
  rejectNulCharacters(part)({ path: '/chat/findMessages/x', query: {}, body: undefined, ...req } as Request, {} as Response, (err?: unknown) => {
    passed = err;
  });
  if (passed === 'not called') throw new Error('next() was not called');
  return passed as EvolutionException | undefined;
}

describe('rejectNulCharacters', () => {
  it('names the body field holding a NUL (Postgres would fail on it: a 500 before)', () => {
    const err = run({ body: { where: { key: { remoteJid: 'a\u0000b' } } } });
    expect(err).toBeInstanceOf(EvolutionException);
    expect(err!.getStatus()).toBe(400);
    expect(err!.messages).toEqual(['where.key.remoteJid must not contain the NUL character (\\u0000)']);
    expect(run({ body: { numbers: ['5511', '\u0000'] } })!.messages).toEqual(['numbers.1 must not contain the NUL character (\\u0000)']);
  });

  it('checks the query and the decoded path too', () => {
    expect(run({ query: { remoteJid: '\u0000' } })!.messages).toEqual(['remoteJid must not contain the NUL character (\\u0000)']);
    expect(run({ path: '/chat/findMessages/x%00y' })!.messages).toEqual(['the URL path must not contain the NUL character (\\u0000)']);
  });

  it('each part checks only its own: the URL before any lookup by name, the body once it is read', () => {
    expect(run({ path: '/webhook/find/p%00', body: { clean: 'x' } }, 'body')).toBeUndefined();
    expect(run({ path: '/webhook/find/p%00', body: { clean: 'x' } }, 'url')!.messages).toEqual(['the URL path must not contain the NUL character (\\u0000)']);
    expect(run({ body: { text: '\u0000' } }, 'url')).toBeUndefined();
  });

  it('lets clean requests, raw Buffer bodies and deeply nested bodies through', () => {
    expect(run({ body: { text: 'hello', n: 1, ok: true, none: null, list: [{ a: 'b' }] } })).toBeUndefined();
    expect(run({ body: Buffer.from('{"x":"\\u0000"}') })).toBeUndefined();
    let deep: Record<string, unknown> = { leaf: 'fine' };
    for (let i = 0; i < 100_000; i += 1) deep = { d: deep };
    expect(run({ body: deep })).toBeUndefined();
  });
});
