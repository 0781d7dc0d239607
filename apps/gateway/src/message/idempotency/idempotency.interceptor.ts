import { CallHandler, ExecutionContext, HttpStatus, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { EvolutionException, badRequest } from '@gw/common';
import type { Request, Response } from 'express';
import { Observable, catchError, from, mergeMap, of } from 'rxjs';
import { requestFingerprint } from './request-fingerprint.util';
import { IdempotencyStore } from './idempotency.store';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Set on a response that is the stored answer to an earlier request with the same key. */
export const REPLAYED_HEADER = 'idempotent-replayed';
/** Stripe's limit; longer keys are refused rather than truncated (two keys must never collide). */
const MAX_KEY_LENGTH = 255;

/**
 * `Idempotency-Key` on the send routes: a retried send (n8n retries after a timeout) returns
 * the first response (same status, same message id) instead of sending the message again,
 * also while the first is still running and when the retry reaches another node. It runs after
 * the multipart parser, so an uploaded file is part of what "the same request" means.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(private readonly store: IdempotencyStore) {}

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = ctx.switchToHttp().getRequest<Request>();
    const key = req.header(IDEMPOTENCY_HEADER);
    if (key === undefined) return next.handle();
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw badRequest(`Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} characters long`);
    }
    const instance = String(req.params.instanceName);
    const fingerprint = requestFingerprint(ctx.getHandler().name, req.body, req.file);
    const res = ctx.switchToHttp().getResponse<Response>();

    const claim = await this.store.claim(instance, key, fingerprint);
    if (claim.kind === 'mismatch') {
      throw new EvolutionException(HttpStatus.UNPROCESSABLE_ENTITY, [
        'This Idempotency-Key was already used with a different request; use a new key for a new request',
      ]);
    }
    if (claim.kind === 'replay') {
      res.status(claim.status).setHeader(REPLAYED_HEADER, 'true');
      return of(claim.body);
    }
    return next.handle().pipe(
      mergeMap((body) => from(this.remember(instance, key, fingerprint, res.statusCode, body))),
      catchError((err: unknown) => from(this.forget(instance, key, claim.token, err))),
    );
  }

  private async remember(instance: string, key: string, fingerprint: string, status: number, body: unknown): Promise<unknown> {
    try {
      await this.store.complete(instance, key, fingerprint, status, body);
    } catch (err) {
      // The message went out: answer with it. A retry waits until the claim expires, then sends again.
      this.logger.warn(`instance ${instance}: could not store an idempotent response: ${(err as Error).message}`);
    }
    return body;
  }

  /** A failed send sent nothing: free the key so a retry runs again, and answer with the error. */
  private async forget(instance: string, key: string, token: string, err: unknown): Promise<never> {
    await this.store.release(instance, key, token).catch(() => undefined); // the claim expires on its own
    throw err;
  }
}
