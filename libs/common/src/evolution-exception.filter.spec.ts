import type { ArgumentsHost } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ErrorTranslator } from './error-translator.port';
import { EvolutionExceptionFilter } from './evolution-exception.filter';
import { badRequest } from './evolution.exception';

class EngineRefusal extends Error {}

/** What the filter wrote: status and JSON body. */
function answer(filter: EvolutionExceptionFilter, error: unknown) {
  const sent: { status?: number; body?: unknown } = {};
  const res = { status: (s: number) => ((sent.status = s), res), json: (b: unknown) => ((sent.body = b), res) } as unknown as Response;
  const req = { method: 'POST', path: '/chat/archiveChat/alpha', originalUrl: '/chat/archiveChat/alpha' } as Request;
  const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => req }) } as unknown as ArgumentsHost;
  filter.catch(error, host);
  return sent;
}

describe('EvolutionExceptionFilter', () => {
  const translator: ErrorTranslator = { translate: (err) => (err instanceof EngineRefusal ? badRequest(`Error: ${err.message}`) : undefined) };

  it("answers the lower layers' errors the way the translator maps them, in the envelope", () => {
    expect(answer(new EvolutionExceptionFilter(translator), new EngineRefusal('not-acceptable'))).toEqual({
      status: 400,
      body: { status: 400, error: 'Bad Request', response: { message: ['Error: not-acceptable'] } },
    });
  });

  it('leaves what the translator does not know to the usual rules (an unknown error is a 500 with a reference only)', () => {
    const filter = new EvolutionExceptionFilter(translator);
    expect(answer(filter, badRequest('number: required'))).toMatchObject({ status: 400, body: { response: { message: ['number: required'] } } });
    const unknown = answer(filter, new Error('secret detail'));
    expect(unknown).toMatchObject({ status: 500, body: { response: { message: expect.stringMatching(/^Internal error, reference /) } } });
    expect(JSON.stringify(unknown.body)).not.toContain('secret detail');
    expect(answer(new EvolutionExceptionFilter(), new EngineRefusal('x')).status).toBe(500);
  });
});
