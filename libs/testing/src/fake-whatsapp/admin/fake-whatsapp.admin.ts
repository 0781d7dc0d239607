import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, optionalString, readJson, requireString, sendJson } from './admin-http.util';
import type { KickReason } from '../protocol/disconnect-reason.util';
import { routeMessaging } from './fake-whatsapp-messaging.admin';
import { routeStatuses } from './fake-whatsapp-status.admin';
import type { FakeWhatsAppServer } from '../fake-whatsapp.server';

/**
 * HTTP admin API, served on the same port as the WebSocket so that a test driving a
 * gateway in another process can act as the phone:
 *   GET  /admin/health
 *   GET  /admin/state                          → FakeWhatsAppState
 *   GET  /admin/events?after=N&waitMs=M        → { lastSeq, events } (long-poll)
 *   POST /admin/scan         {qr, phone?, pushName?, platform?} → PairedAccount
 *   POST /admin/pairing-code {phone, code}                     → PairedAccount
 *   POST /admin/kick         {target, reason}                  → { kicked: string[] }
 *   POST /admin/accounts     {phone?, pushName?}               → AccountInfo
 * plus the messaging routes of fake-whatsapp-messaging.admin.ts and the status routes of
 * fake-whatsapp-status.admin.ts.
 */
const MAX_WAIT_MS = 60_000;

export function createAdminRequestHandler(server: FakeWhatsAppServer): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    route(server, req)
      .then((body) => sendJson(res, 200, body))
      .catch((err: unknown) => {
        const status = err instanceof HttpError ? err.status : 400;
        sendJson(res, status, { error: err instanceof Error ? err.message : String(err) });
      });
  };
}

async function route(server: FakeWhatsAppServer, req: IncomingMessage): Promise<unknown> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const key = `${req.method ?? 'GET'} ${url.pathname}`;
  switch (key) {
    case 'GET /admin/health':
      return { ok: true, url: server.url };
    case 'GET /admin/state':
      return server.state();
    case 'GET /admin/events': {
      const after = Number(url.searchParams.get('after') ?? '0');
      const waitMs = Math.min(Number(url.searchParams.get('waitMs') ?? '0'), MAX_WAIT_MS);
      const events = await server.journal.next(Number.isFinite(after) ? after : 0, Number.isFinite(waitMs) ? waitMs : 0);
      return { lastSeq: server.journal.lastSeq, events };
    }
    case 'POST /admin/scan': {
      const body = await readJson(req);
      return server.scan(requireString(body, 'qr'), {
        phone: optionalString(body, 'phone'),
        pushName: optionalString(body, 'pushName'),
        platform: optionalString(body, 'platform'),
      });
    }
    case 'POST /admin/pairing-code': {
      const body = await readJson(req);
      return server.enterPairingCode(requireString(body, 'phone'), requireString(body, 'code'), {
        pushName: optionalString(body, 'pushName'),
        platform: optionalString(body, 'platform'),
      });
    }
    case 'POST /admin/kick': {
      const body = await readJson(req);
      const reason = body.reason;
      if (typeof reason !== 'number' && typeof reason !== 'string') throw new HttpError(400, "'reason' is required");
      const numeric = typeof reason === 'string' && /^\d+$/.test(reason) ? Number(reason) : reason;
      return { kicked: server.kick(requireString(body, 'target'), numeric as KickReason) };
    }
    case 'POST /admin/accounts': {
      const body = await readJson(req);
      return server.createAccount({ phone: optionalString(body, 'phone'), pushName: optionalString(body, 'pushName') });
    }
    default: {
      const routed = (await routeMessaging(server, key, req, url)) ?? (await routeStatuses(server, key, req, url));
      if (routed === undefined) throw new HttpError(404, `no route ${key}`);
      return routed.body;
    }
  }
}
