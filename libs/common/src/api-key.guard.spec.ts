import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiKeyAuthenticator } from './api-key.authenticator';
import { ApiKeyGuard } from './api-key.guard';
import type { AuthenticatedRequest } from './auth.decorators';

const alpha = { id: 'id-a', name: 'alpha', token: 'tok-a' };

function context(req: Partial<AuthenticatedRequest>): ExecutionContext {
  const request = Object.assign(req, { get: () => 'tok-a' }); // the same object, so tests see what the guard set
  return {
    getHandler: () => () => undefined,
    getClass: () => class {},
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe('ApiKeyGuard', () => {
  const authenticate = jest.fn(async () => ({ auth: { isGlobal: false, tokenInstanceId: alpha.id }, instance: alpha }));
  const guard = new ApiKeyGuard(new Reflector(), { authenticate } as unknown as ApiKeyAuthenticator);
  beforeEach(() => authenticate.mockClear());

  it('accepts the edge decision made for this very route and instance', async () => {
    const req = { params: { instanceName: 'alpha' }, auth: { isGlobal: true }, authenticatedFor: { mode: 'instance' as const, instanceName: 'alpha' } };
    await expect(guard.canActivate(context(req))).resolves.toBe(true);
    expect(authenticate).not.toHaveBeenCalled();
  });

  it('authenticates again when the edge decided for another instance or did not decide', async () => {
    const elsewhere = { params: { instanceName: 'alpha' }, auth: { isGlobal: true }, authenticatedFor: { mode: 'instance' as const, instanceName: 'beta' } };
    await guard.canActivate(context(elsewhere));
    expect(authenticate).toHaveBeenLastCalledWith('instance', 'alpha', 'tok-a', expect.any(String));
    const undecided: Partial<AuthenticatedRequest> = { params: { instanceName: 'alpha' } };
    await guard.canActivate(context(undecided));
    expect(undecided).toMatchObject({ auth: { isGlobal: false, tokenInstanceId: 'id-a' }, instanceRecord: alpha });
    expect(authenticate).toHaveBeenCalledTimes(2);
  });

  it('lets the authenticator refusal through', async () => {
    authenticate.mockRejectedValueOnce(new Error('401'));
    await expect(guard.canActivate(context({ params: { instanceName: 'alpha' } }))).rejects.toThrow('401');
  });
});
