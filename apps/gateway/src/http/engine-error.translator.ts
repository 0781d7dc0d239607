import { HttpStatus, Injectable } from '@nestjs/common';
import { AuthenticatedRequest, ErrorTranslator, EvolutionException, badRequest, forbidden, notFound } from '@gw/common';
import { InstanceLifecycleService, SendException } from '@gw/instances';
import { MediaConversionError } from '@gw/media';
import { EngineGroupError, EngineNotConnectedError } from '@gw/whatsapp';

/**
 * The engine's, the send queue's and media conversion's errors in Evolution's envelope, for
 * every route (the global filter asks here first). Not connected is a 400 naming the state, like
 * Evolution's "Connection Closed" 400s; "not on WhatsApp" carries Evolution's
 * `[{jid, exists:false, number}]`; WhatsApp's refusals are `Error: …` 400s; an unknown group (or
 * invite code) a 404; missing admin rights a 403; media that cannot be converted a 400 naming
 * the problem.
 */
@Injectable()
export class EngineErrorTranslator implements ErrorTranslator {
  constructor(private readonly lifecycle: InstanceLifecycleService) {}

  translate(err: unknown, req: AuthenticatedRequest): EvolutionException | undefined {
    if (err instanceof SendException) return sendError(err);
    if (err instanceof MediaConversionError) return conversionError(err);
    if (err instanceof EngineGroupError) return groupError(err);
    if (err instanceof EngineNotConnectedError && req.instanceRecord) {
      const { id, name } = req.instanceRecord;
      return sendError(SendException.notConnected(name, this.lifecycle.state(id)));
    }
    return undefined;
  }
}

function sendError(err: SendException): EvolutionException {
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

function groupError(err: EngineGroupError): EvolutionException {
  switch (err.reason) {
    case 'not-found':
      return notFound(`${capitalise(err.message)} (or this account is not in it)`);
    case 'forbidden':
      return forbidden(`${err.message}: this account must be a group admin for that`);
    case 'timeout':
      return new EvolutionException(HttpStatus.GATEWAY_TIMEOUT, [err.message]);
    case 'refused':
      return badRequest(`Error: ${err.message}`);
    default: {
      const unhandled: never = err.reason;
      return unhandled;
    }
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
