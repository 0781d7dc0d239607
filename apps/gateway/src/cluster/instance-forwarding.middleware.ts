import { Inject, Injectable, Logger, NestMiddleware } from '@nestjs/common';
import type { AuthenticatedRequest, InstanceIdentity } from '@gw/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { InstanceLeases, NodeDirectory } from '@gw/instances';
import { InstanceRepository } from '@gw/persistence';
import type { NextFunction, Request, Response } from 'express';
import { request } from 'undici';
import { continueIfExpected } from '../http/expect-continue.util';

/** Route families whose calls need the node that runs the instance's WhatsApp session. */
const SESSION_ROUTES = new Set(['instance', 'message', 'chat', 'group', 'settings', 'proxy']);
const FORWARDED = 'x-gw-forwarded-by';
/** Long enough for a send with the largest `delay` (5 min) plus its queue and send timeout. */
const FORWARD_TIMEOUT_MS = 7 * 60_000;
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
/** Sent on as they came: the owner reads (and sizes, decompresses, validates) the body itself. */
const FORWARDED_HEADERS = ['apikey', 'idempotency-key', 'content-type', 'content-encoding', 'content-length', 'transfer-encoding', 'accept'];

/**
 * Any node answers any call: a call for an instance another live node owns is forwarded to
 * that node and its response returned unchanged (status, body), so clients need not care
 * which node they talk to. Calls are forwarded at most once. It runs at the HTTP edge after
 * authentication and before the body is read, so a body is streamed to the owner untouched.
 */
@Injectable()
export class InstanceForwardingMiddleware implements NestMiddleware {
  private readonly logger = new Logger('Forward');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly leases: InstanceLeases,
    private readonly nodes: NodeDirectory,
    private readonly instances: InstanceRepository,
  ) {}

  readonly handle = (req: Request, res: Response, next: NextFunction) => void this.use(req, res, next);

  async use(req: Request, res: Response, next: NextFunction) {
    try {
      const target = await this.ownerUrl(req);
      if (!target) return next();
      await this.forward(req, res, target);
    } catch (err) {
      if (TIMEOUT_CODES.has((err as { code?: string }).code ?? '')) {
        // The owner got the call and may still act on it: answering locally could duplicate a send.
        if (!res.headersSent) {
          res.status(504).json({ status: 504, error: 'Gateway Timeout', response: { message: ['The node running this instance did not answer in time'] } });
        }
        return;
      }
      if (res.headersSent) return;
      if (req.readableDidRead) {
        // part of the body went to the owner already: it cannot be read again here
        this.logger.warn(`forwarding ${req.method} ${req.path} failed mid-body: ${(err as Error).message}`);
        res.status(502).json({ status: 502, error: 'Bad Gateway', response: { message: ['The node running this instance could not be reached'] } });
        return;
      }
      // Redis or the owner unreachable: answer locally; the lease decides who may act.
      this.logger.warn(`forwarding ${req.method} ${req.path} failed, answering locally: ${(err as Error).message}`);
      next();
    }
  }

  private async ownerUrl(req: Request): Promise<string | undefined> {
    if (req.headers[FORWARDED]) return undefined;
    const path = req.originalUrl.split('?')[0].slice(this.config.server.basePath.length);
    const [group, , rawName] = path.split('/').filter(Boolean);
    if (!rawName || !SESSION_ROUTES.has(group)) return undefined;
    const instance = await this.instanceOf(req, decodeURIComponent(rawName));
    if (!instance) return undefined;
    const owner = await this.leases.owner(instance.id);
    if (!owner || owner.nodeId === this.config.cluster.nodeId) return undefined;
    return (await this.nodes.get(owner.nodeId))?.url;
  }

  /** The row the edge read when it authenticated this very instance; read here only when it did not. */
  private instanceOf(req: AuthenticatedRequest, name: string): Promise<InstanceIdentity | null> {
    const known = req.instanceRecord;
    if (known && req.authenticatedFor?.instanceName === name && known.name === name) return Promise.resolve(known);
    return this.instances.findByName(name);
  }

  private async forward(req: Request, res: Response, base: string) {
    const headers: Record<string, string> = { [FORWARDED]: this.config.cluster.nodeId };
    for (const h of FORWARDED_HEADERS) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const hasBody = !['GET', 'HEAD'].includes(req.method) && (Number(headers['content-length'] ?? 0) > 0 || 'transfer-encoding' in headers);
    delete headers['transfer-encoding']; // undici frames the streamed body itself
    if (hasBody) continueIfExpected(req, res);
    const upstream = await request(`${base}${req.originalUrl}`, {
      method: req.method as 'GET',
      headers,
      body: hasBody ? req : undefined,
      headersTimeout: FORWARD_TIMEOUT_MS,
      bodyTimeout: FORWARD_TIMEOUT_MS,
    });
    res.status(upstream.statusCode);
    const type = upstream.headers['content-type'];
    if (type) res.setHeader('content-type', type);
    res.setHeader(FORWARDED, String(upstream.headers[FORWARDED] ?? ''));
    res.send(Buffer.from(await upstream.body.arrayBuffer()));
  }
}
