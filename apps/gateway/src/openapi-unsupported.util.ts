import type { OpenAPIObject } from '@nestjs/swagger';
import { UNSUPPORTED_FAMILIES } from './unsupported/unsupported.controller';

const METHODS = ['get', 'post', 'put', 'delete'] as const;

/**
 * Evolution route families answered with 501 (any method, any sub-path). Nest's catch-all routes
 * cannot be described by the explorer, so they are written here from the same list the controller serves.
 */
export function documentUnsupportedRoutes(document: OpenAPIObject, basePath: string): void {
  for (const family of UNSUPPORTED_FAMILIES) {
    for (const path of [`${basePath}/${family}`, `${basePath}/${family}/{path}`]) {
      document.paths[path] = Object.fromEntries(
        METHODS.map((method) => [
          method,
          {
            tags: ['Not implemented'],
            operationId: `unsupported_${family}_${method}${path.endsWith('}') ? '_sub' : ''}`,
            summary: `Evolution's /${family} routes: not served by this gateway`,
            description: 'Answers 501 in the error envelope, naming the route, for any method and sub-path.',
            parameters: path.endsWith('{path}') ? [{ name: 'path', in: 'path', required: true, schema: { type: 'string' } }] : [],
            responses: { '501': { description: 'Not implemented: `{status: 501, error: "Not Implemented", response: {message: [...]}}`' } },
          },
        ]),
      );
    }
  }
}
