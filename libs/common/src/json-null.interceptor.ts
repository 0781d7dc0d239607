import { CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { Observable, map } from 'rxjs';

/**
 * Evolution's find routes answer the JSON document `null` when nothing is configured. Nest
 * sends an empty body for a null result (which breaks clients' JSON.parse), so the route
 * answers the literal text `null` as application/json instead.
 */
@Injectable()
export class JsonNullInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((value) => {
        if (value !== null && value !== undefined) return value;
        ctx.switchToHttp().getResponse<Response>().type('application/json');
        return 'null';
      }),
    );
  }
}

/** On a route whose result may be null: the body is then `null` (JSON), not empty. */
export const NullAsJson = () => UseInterceptors(JsonNullInterceptor);
