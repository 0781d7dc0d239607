import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * Errors in Evolution's envelope: {status, error, response: {message}}.
 * Evolution builds `message` from the constructor arguments, so a single reason becomes
 * a one-element array; we keep that so clients parsing message[0] keep working.
 */
export class EvolutionException extends HttpException {
  constructor(status: HttpStatus, readonly messages: unknown[] | string | undefined) {
    super({ messages }, status);
  }
}

export const badRequest = (...messages: unknown[]) => new EvolutionException(HttpStatus.BAD_REQUEST, messages);
export const unauthorized = () => new EvolutionException(HttpStatus.UNAUTHORIZED, 'Unauthorized');
export const forbidden = (...messages: unknown[]) => new EvolutionException(HttpStatus.FORBIDDEN, messages);
export const notFound = (...messages: unknown[]) => new EvolutionException(HttpStatus.NOT_FOUND, messages);
export const instanceNotFound = (name: string) => notFound(`The "${name}" instance does not exist`);
export const serviceUnavailable = (...messages: unknown[]) =>
  new EvolutionException(HttpStatus.SERVICE_UNAVAILABLE, messages);
