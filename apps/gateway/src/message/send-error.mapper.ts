import { HttpStatus } from '@nestjs/common';
import { EvolutionException, badRequest } from '@gw/common';
import { SendException } from '@gw/instances';
import { MediaConversionError } from '@gw/media';

/**
 * Send failures in Evolution's envelope. Not connected is a 400 like the logout route's
 * (and like Evolution's own "Connection Closed" 400s); "not on WhatsApp" carries Evolution's
 * `[{jid, exists:false, number}]`; WhatsApp's refusals are `Error: …` 400s as in Evolution.
 * Media that cannot be converted is the input's fault: a 400 naming the problem.
 */
export function toHttpError(err: unknown): unknown {
  if (err instanceof MediaConversionError) return conversionError(err);
  if (!(err instanceof SendException)) return err;
  switch (err.code) {
    case 'NOT_CONNECTED':
    case 'INVALID':
      return badRequest(err.message);
    case 'NOT_ON_WHATSAPP':
      return badRequest(err.detail);
    case 'QUEUE_FULL':
      return new EvolutionException(HttpStatus.TOO_MANY_REQUESTS, [`${err.message}; try again later`]);
    case 'TIMEOUT':
    case 'FAILED':
      return badRequest(`Error: ${err.message}`);
    default: {
      const unhandled: never = err.code;
      return unhandled;
    }
  }
}

function conversionError(err: MediaConversionError): EvolutionException {
  switch (err.code) {
    case 'INVALID_INPUT':
    case 'TOO_LARGE':
    case 'TIMED_OUT':
      return badRequest(err.message);
    case 'BUSY':
      return new EvolutionException(HttpStatus.TOO_MANY_REQUESTS, [`${err.message}; try again later`]);
    default: {
      const unhandled: never = err.code;
      return unhandled;
    }
  }
}
