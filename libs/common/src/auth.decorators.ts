import { SetMetadata, createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { InstanceIdentity } from './api-key.authenticator';

export const AUTH_MODE = 'gw:auth-mode';
/** public: no key; global: only AUTHENTICATION_API_KEY; instance (default): global key or that instance's token;
 *  scoped-list: global key, or any instance token (the handler then sees only that instance). */
export type AuthMode = 'public' | 'global' | 'instance' | 'scoped-list';

export const Public = () => SetMetadata(AUTH_MODE, 'public' satisfies AuthMode);
export const GlobalKeyOnly = () => SetMetadata(AUTH_MODE, 'global' satisfies AuthMode);
export const ScopedList = () => SetMetadata(AUTH_MODE, 'scoped-list' satisfies AuthMode);

/** What the guard learnt about the caller and the route's instance. */
export interface RequestAuth {
  isGlobal: boolean;
  /** Instance the token belongs to, when an instance token was used. */
  tokenInstanceId?: string;
}

export interface AuthenticatedRequest extends Request {
  auth?: RequestAuth;
  /**
   * The instance named by :instanceName, read once per request by whoever authenticates it
   * (the HTTP edge, else the guard; 404 if unknown) and reused by everything after.
   */
  instanceRecord?: InstanceIdentity;
  /** The route auth mode and instance `auth` was decided for (by the HTTP edge or the guard). */
  authenticatedFor?: { mode: AuthMode; instanceName: string | undefined };
}

export const Auth = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth,
);
