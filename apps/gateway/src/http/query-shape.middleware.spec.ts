import { EvolutionException } from '@gw/common';
import type { Request, Response } from 'express';
import { rejectNonStringQuery } from './query-shape.middleware';

function run(query: Record<string, unknown>): EvolutionException | undefined {
  let passed: unknown = 'not called';
  rejectNonStringQuery()({ query } as unknown as Request, {} as Response, (err?: unknown) => (passed = err));
  if (passed === 'not called') throw new Error('next() was not called');
  return passed as EvolutionException | undefined;
}

describe('rejectNonStringQuery', () => {
  it('lets single string parameters through', () => {
    expect(run({})).toBeUndefined();
    expect(run({ instanceName: 'a', groupJid: '1203@g.us', limit: '10' })).toBeUndefined();
  });

  it('refuses bracket keys (simple parser: "instanceName[$ne]") naming the parameter', () => {
    const err = run({ 'instanceName[$ne]': 'x' })!;
    expect(err.getStatus()).toBe(400);
    expect(err.messages).toEqual(['Query parameter "instanceName[$ne]" is not accepted: send instanceName=<text> once, without brackets']);
    expect(run({ 'instanceName[]': 'a' })!.messages).toEqual([
      'Query parameter "instanceName[]" is not accepted: send instanceName=<text> once, without brackets',
    ]);
  });

  it('refuses repeated parameters and objects (extended parser)', () => {
    expect(run({ instanceName: ['a', 'b'] })!.messages).toEqual(['Query parameter "instanceName" must be given once, as text']);
    expect(run({ instanceName: { $ne: 'x' } })!.messages).toEqual(['Query parameter "instanceName" must be given once, as text']);
  });
});
