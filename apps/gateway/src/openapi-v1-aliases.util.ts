import type { OpenAPIObject } from '@nestjs/swagger';
import { V1_ALIASES } from './http/v1-aliases';

/** Each v1 verb is documented as a copy of the v2 operation it is served by (same body, same answer). */
export function documentV1Aliases(document: OpenAPIObject, basePath: string): void {
  for (const alias of V1_ALIASES) {
    const item = document.paths[`${basePath}${alias.path.replace(/:(\w+)/g, '{$1}')}`];
    const served = item?.[alias.serves.toLowerCase() as 'post'];
    if (!item || !served) continue;
    item[alias.verb.toLowerCase() as 'put'] = {
      ...served,
      operationId: `${served.operationId}_v1`,
      summary: `v1 verb of ${alias.serves} (${served.summary ?? alias.path})`,
    };
  }
}
