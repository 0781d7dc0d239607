import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** OpenAPI document and Swagger UI at <base path>/docs, generated from the DTOs and decorators. */
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
  SwaggerModule.setup(`${basePath}/docs`, app, document, { jsonDocumentUrl: `${basePath}/docs-json` });
}
