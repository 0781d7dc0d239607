import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ApiKeyAuthenticator } from '@gw/common';
import { BodyReaderMiddleware } from './body-reader.middleware';
import { EdgeAuthMiddleware } from './edge-auth.middleware';
import { RouteTable } from './route-table.service';

/** The HTTP edge's parts (installed in order by installHttpEdge); exports the authenticator the guard shares. */
@Module({
  imports: [DiscoveryModule],
  providers: [ApiKeyAuthenticator, RouteTable, EdgeAuthMiddleware, BodyReaderMiddleware],
  exports: [ApiKeyAuthenticator],
})
export class HttpEdgeModule {}
