import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { AuthenticatedRequest } from '@gw/common';
import type { InstanceWithConfig } from '@gw/persistence';

/**
 * `@InstanceParam() instance` = the :instanceName instance, already authorised: its whole row
 * (webhooks, settings), read once per request by the HTTP edge or the guard (INSTANCE_LOOKUP
 * is the InstanceRepository's findFullByName) and handed on here, never read again.
 */
export const InstanceParam = createParamDecorator((_: unknown, ctx: ExecutionContext): InstanceWithConfig => {
  const instance = ctx.switchToHttp().getRequest<AuthenticatedRequest>().instanceRecord;
  // only on routes with :instanceName, which the guard always resolves (or answers 404)
  if (!instance) throw new Error('@InstanceParam() on a route without :instanceName');
  return instance as InstanceWithConfig;
});
