import { HttpStatus } from '@nestjs/common';
import { EvolutionException, badRequest, forbidden, notFound } from '@gw/common';
import { SendException } from '@gw/instances';
import { EngineGroupError, EngineNotConnectedError } from '@gw/whatsapp';
import { toHttpError } from '../message/send-error.mapper';

/**
 * Group failures in Evolution's envelope: not connected is the send routes' 400; an unknown
 * group (or invite code) a 404; missing admin rights a 403; other refusals `Error: …` 400s.
 */
export function toGroupHttpError(err: unknown, instance: { name: string }, state: string): unknown {
  if (err instanceof EngineNotConnectedError) return toHttpError(SendException.notConnected(instance.name, state));
  if (!(err instanceof EngineGroupError)) return toHttpError(err);
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
