import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { PinoLoggerService, createValidationPipe } from '@gw/common';
import { loadConfigOrExit } from '@gw/config';
import { version } from '../../../package.json';
import { AppModule } from './app.module';
import { applyPendingMigrations } from './boot/pending-migrations';
import { metaWebhookRawBody } from './cloud-api/meta-body.parser';
import { installHttpEdge } from './http/http-edge.setup';
import { setupSwagger } from './swagger.setup';

async function bootstrap() {
  const bootStarted = performance.now();
  const config = loadConfigOrExit();
  const logger = new PinoLoggerService(config.server.logLevel);
  await applyPendingMigrations(config.database.url, logger);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger,
    bodyParser: false,
  });
  // Meta's webhooks are signed over the raw bytes (and capped at 3 MB): read before the JSON parser.
  app.use(metaWebhookRawBody(config.server.basePath));
  // Before the edge, so its early 401/413 answers carry CORS headers too.
  app.enableCors();
  // Auth before the body is read, then bodies with per-route limits (136 MB only where media
  // travels, 1 MB elsewhere), depth and encoding checks, NUL refusal: see http-edge.setup.ts.
  installHttpEdge(app, config.server.basePath);
  if (config.server.basePath) app.setGlobalPrefix(config.server.basePath);
  app.useGlobalPipes(createValidationPipe());
  setupSwagger(app, config.server.basePath, version);
  app.enableShutdownHooks();
  await app.listen(config.server.port, '0.0.0.0');
  // Printed at every log level: supervisors and tests wait for this line.
  process.stdout.write(
    `${JSON.stringify({
      msg: 'gateway listening',
      port: config.server.port,
      basePath: config.server.basePath || '/',
      docs: `${config.server.url}${config.server.basePath}/docs`,
      envFile: config.server.envFile ?? null,
      nodeId: config.cluster.nodeId,
      bootMs: Math.round(performance.now() - bootStarted),
    })}\n`,
  );
}

void bootstrap();
