import type { Request } from 'express';
import type { EvolutionException } from './evolution.exception';

/**
 * Turns errors of the layers below the HTTP edge (the engine, the send queue, media
 * conversion) into Evolution's envelope, in one place: the global exception filter asks it
 * first. Implemented by the app, which knows those layers; undefined leaves the error as is.
 */
export interface ErrorTranslator {
  translate(error: unknown, req: Request): EvolutionException | undefined;
}
export const ERROR_TRANSLATOR = Symbol('ERROR_TRANSLATOR');
