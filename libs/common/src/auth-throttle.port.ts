import { HttpStatus } from '@nestjs/common';
import { EvolutionException } from './evolution.exception';

/**
 * Slows API-key guessing: failed attempts are counted per client address, and a client over the
 * limit is refused with 429 (whatever key it sends) until its window ends. Implemented on Redis
 * by the gateway so every node shares the counts; wherever authentication happens calls it.
 */
export interface AuthThrottle {
  /** Throws 429 while `client` is over the limit. */
  assertAllowed(client: string): Promise<void>;
  /** Counts one failed attempt of `client` (never given the key it tried). */
  recordFailure(client: string): Promise<void>;
}
export const AUTH_THROTTLE = Symbol('AUTH_THROTTLE');

export const tooManyAttempts = (retryAfterS: number) =>
  new EvolutionException(HttpStatus.TOO_MANY_REQUESTS, [`Too many failed API key attempts; retry in ${retryAfterS} s`]);

/** The address attempts are counted by (Express' req.ip honours `trust proxy` when set). */
export function clientAddress(req: { ip?: string; socket?: { remoteAddress?: string } }): string {
  return req.ip ?? req.socket?.remoteAddress ?? 'unknown';
}
