import { EvolutionException } from '@gw/common';
import type { Request } from 'express';
import { bodyError } from './body-reader.middleware';

const req = (encoding?: string) => ({ headers: encoding ? { 'content-encoding': encoding } : {} }) as Request;
const MB = 1024 * 1024;

function mapped(err: unknown, encoding?: string): { status: number; messages: unknown } {
  const out = bodyError(err, req(encoding), MB);
  if (!(out instanceof EvolutionException)) throw new Error(`not mapped: ${String(out)}`);
  return { status: out.getStatus(), messages: out.messages };
}

describe('bodyError', () => {
  it('maps body-parser failures to one clear 4xx each', () => {
    expect(mapped({ type: 'entity.too.large' })).toEqual({ status: 413, messages: ['Request body is larger than this route accepts (1 MB)'] });
    expect(mapped({ type: 'entity.parse.failed' })).toEqual({ status: 400, messages: ['Malformed JSON body'] });
    expect(mapped({ type: 'encoding.unsupported' }, 'zip')).toEqual({
      status: 415,
      messages: ['Unsupported content-encoding "zip" (use gzip, deflate, br or none)'],
    });
    expect(mapped({ type: 'gw.depth', message: 'JSON body is nested deeper than 32 levels' })).toEqual({
      status: 400,
      messages: ['JSON body is nested deeper than 32 levels'],
    });
  });

  it('turns a decompression error (no type, from zlib) into a 400 naming the encoding', () => {
    const zlib = Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR', status: 400 });
    expect(mapped(zlib, 'gzip')).toEqual({ status: 400, messages: ['Request body is not valid gzip data (content-encoding: gzip)'] });
  });

  it('passes on anything it does not recognise', () => {
    const other = new Error('boom');
    expect(bodyError(other, req(), MB)).toBe(other);
    expect(bodyError({ type: 'something.else' }, req('gzip'), MB)).toEqual({ type: 'something.else' });
  });
});
