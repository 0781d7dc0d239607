import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AUTH_THROTTLE, ApiKeyAuthenticator } from '@gw/common';
import { AuthFailureLimiter } from '../auth/auth-failure-limiter.service';
import { BodyReaderMiddleware } from './body-reader.middleware';
import { EdgeAuthMiddleware } from './edge-auth.middleware';
import { RouteTable } from './route-table.service';

/**
 * The HTTP edge's parts (installed in order by installHttpEdge); exports the authenticator the guard
 * shares, and the failed-key throttle it uses (the /metrics guard counts failures with it too).
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    { provide: AUTH_THROTTLE, useClass: AuthFailureLimiter },
    ApiKeyAuthenticator,
    RouteTable,
    EdgeAuthMiddleware,
    BodyReaderMiddleware,
  ],
  exports: [ApiKeyAuthenticator, AUTH_THROTTLE],
})
export class HttpEdgeModule {}
