import type { IncomingMessage } from 'node:http';
import { HttpError, optionalObject, readJson, requireObject, requireString } from './admin-http.util';
import type { FakeWhatsAppServer } from '../fake-whatsapp.server';
import type { PostStatusOptions } from '../services/status-broadcast.service';

/**
 * Admin routes for statuses (same shapes as server.statuses):
 *   POST /admin/statuses           {to:[viewer…], from, content, options?} → StatusPostRecord
 *   GET  /admin/statuses/receipts  ?id=                                    → ClientReceiptRecord[]
 * Returns undefined for other routes.
 */
export async function routeStatuses(server: FakeWhatsAppServer, key: string, req: IncomingMessage, url: URL): Promise<{ body: unknown } | undefined> {
  switch (key) {
    case 'POST /admin/statuses': {
      const b = await readJson(req);
      const to = b.to;
      if (!Array.isArray(to) || !to.length || !to.every((v) => typeof v === 'string')) {
        throw new HttpError(400, "'to' must be a non-empty array of viewer jids or phones");
      }
      const options = optionalObject(b, 'options') as PostStatusOptions;
      return { body: await server.statuses.post(to as string[], requireString(b, 'from'), requireObject(b, 'content'), options) };
    }
    case 'GET /admin/statuses/receipts': {
      const id = url.searchParams.get('id');
      if (!id) throw new HttpError(400, "'id' is required");
      return { body: server.statuses.receiptsFor(id) };
    }
    default:
      return undefined;
  }
}
