import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { documentRouteAuth } from './openapi-auth.util';
import { documentUnsupportedRoutes } from './openapi-unsupported.util';

/** OpenAPI document and Swagger UI at <base path>/docs, generated from the DTOs and decorators (every served route). */
export function setupSwagger(app: INestApplication, basePath: string, version: string) {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('WA Gateway')
      .setDescription('Multi-instance WhatsApp gateway, wire-compatible with Evolution API v2')
      .setVersion(version)
      .addApiKey({ type: 'apiKey', name: 'apikey', in: 'header' }, 'apikey')
      .addSecurityRequirements('apikey')
      .build(),
  );
  documentRouteAuth(app, document);
  documentUnsupportedRoutes(document, basePath);
  SwaggerModule.setup(`${basePath}/docs`, app, document, { jsonDocumentUrl: `${basePath}/docs-json` });
}
