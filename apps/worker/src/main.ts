import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { PinoLoggerService } from '@gw/common';
import { loadConfigOrExit } from '@gw/config';
import { WorkerModule } from './worker.module';

/** Webhook delivery worker; scale it with `docker compose up --scale worker=N`. */
async function bootstrap() {
  const config = loadConfigOrExit();
  const logger = new PinoLoggerService(config.server.logLevel);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger });
  app.enableShutdownHooks();
  await app.init();
  // Printed at every log level: supervisors and tests wait for this line.
  process.stdout.write(`${JSON.stringify({ msg: 'delivery worker started', concurrency: config.delivery.concurrency })}\n`);
}

void bootstrap();
