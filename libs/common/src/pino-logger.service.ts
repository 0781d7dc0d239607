import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';

/** Nest's own boot chatter (one line per module and per route): useful when debugging, noise at info. */
const BOOT_DETAIL_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** Nest's logger backed by pino (JSON lines). Callers never pass secrets; redact covers headers anyway. */
export class PinoLoggerService implements LoggerService {
  readonly pino: Logger;

  constructor(level: string) {
    this.pino = pino({
      level,
      base: undefined,
      redact: { paths: ['apikey', 'token', 'headers.apikey', '*.apikey', '*.token'], censor: '[redacted]' },
    });
  }

  log(message: unknown, context?: string) {
    if (context && BOOT_DETAIL_CONTEXTS.has(context)) this.pino.debug({ context }, String(message));
    else this.pino.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.pino.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.pino.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.pino.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.pino.trace({ context }, String(message));
  }
}
