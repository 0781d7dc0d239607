import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { documentRouteAuth } from './openapi-auth.util';
import { documentUnsupportedRoutes } from './openapi-unsupported.util';
import { documentV1Aliases } from './openapi-v1-aliases.util';

/** OpenAPI document and Swagger UI at <base path>/docs, generated from the DTOs and decorators (every served route). */
export function setupSwagger(app: INestApplication, basePath: string, version: string) {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('WA Gateway')
      .setDescription(
        'Multi-instance WhatsApp gateway, wire-compatible with Evolution API v2.\n\n' +
          '**Keys** (header `apikey`): the global key (AUTHENTICATION_API_KEY) passes every route; an instance token ' +
          '(`hash` from /instance/create) passes only the routes of its own instance and /instance/fetchInstances (its own row). ' +
          'Routes marked global-key-only refuse instance tokens. `/metrics` needs the global key or `Authorization: Bearer <METRICS_TOKEN>` ' +
          '(unless METRICS_AUTH=false); `/`, `/docs` and the Meta webhook callbacks need no key. ' +
          'Repeated wrong keys from one address get 429 for a while. Find routes never return secret values (webhook secrets, `jwt_key`, ' +
          'credential headers): they say the value is set.',
      )
      .setVersion(version)
      .addApiKey({ type: 'apiKey', name: 'apikey', in: 'header' }, 'apikey')
      .addSecurityRequirements('apikey')
      .build(),
  );
  documentRouteAuth(app, document);
  documentUnsupportedRoutes(document, basePath);
  documentV1Aliases(document, basePath);
  SwaggerModule.setup(`${basePath}/docs`, app, document, { jsonDocumentUrl: `${basePath}/docs-json` });
}
