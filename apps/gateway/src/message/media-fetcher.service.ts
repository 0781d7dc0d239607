import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { badRequest } from '@gw/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { createGuardedAgent, isSsrfBlockedError, ssrfTargetCheck } from '@gw/delivery';
import { Agent, Dispatcher, interceptors, request } from 'undici';
import { fileNameFromDisposition } from './media-source.util';

const DOWNLOAD_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 5;

export interface FetchedMedia {
  data: Buffer;
  contentType?: string;
  fileName?: string;
}

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * Downloads media given by URL: http(s) only, a total timeout, a size cap checked against
 * Content-Length and again while streaming, redirects followed a few times, and every
 * connection through the same SSRF guard as webhooks (WEBHOOK_SSRF_MODE / _ALLOW).
 */
@Injectable()
export class MediaFetcher implements OnModuleDestroy {
  private readonly agent: Agent;
  private readonly dispatcher: Dispatcher;
  /** Whole download, headers to last byte (tests shorten it). */
  timeoutMs = DOWNLOAD_TIMEOUT_MS;
  private readonly guardTarget: Dispatcher.DispatcherComposeInterceptor;
  /** The composed (guard + redirects) form of each instance proxy's dispatcher; dropped with it. */
  private readonly viaProxy = new WeakMap<Dispatcher, Dispatcher>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.agent = createGuardedAgent({
      mode: config.delivery.ssrfMode,
      allowHosts: config.delivery.ssrfAllow,
      agentOptions: { connectTimeout: CONNECT_TIMEOUT_MS, keepAliveTimeout: 10_000 },
    });
    this.dispatcher = this.agent.compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTS }));
    this.guardTarget = ssrfTargetCheck({ mode: config.delivery.ssrfMode, allowHosts: config.delivery.ssrfAllow });
  }

  /**
   * `via`: the instance's proxy dispatcher. The connection then goes to the proxy, so the guard
   * judges each hop's target before the proxy is asked to reach it.
   */
  private dispatcherFor(via?: Dispatcher): Dispatcher {
    if (!via) return this.dispatcher;
    let composed = this.viaProxy.get(via);
    if (!composed) {
      composed = via.compose(this.guardTarget, interceptors.redirect({ maxRedirections: MAX_REDIRECTS }));
      this.viaProxy.set(via, composed);
    }
    return composed;
  }

  async fetch(url: URL, maxBytes: number, field = 'media', via?: Dispatcher): Promise<FetchedMedia> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest(`${field}: media URLs must be http or https`);
    // The query string may hold a signature; errors name the host only.
    const where = url.host;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: 'GET',
        dispatcher: this.dispatcherFor(via),
        headers: { 'user-agent': 'wa-gateway-media/1', accept: '*/*' },
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw badRequest(`${field}: could not download from ${where}: ${reason(err)}`);
    }
    if (res.statusCode < 200 || res.statusCode >= 300) {
      discard(res.body);
      throw badRequest(`${field}: could not download from ${where}: HTTP ${res.statusCode}`);
    }
    const declared = Number(header(res.headers['content-length']));
    if (declared > maxBytes) {
      discard(res.body);
      throw badRequest(tooLarge(field, maxBytes));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) {
          discard(res.body);
          throw badRequest(tooLarge(field, maxBytes));
        }
        chunks.push(chunk as Buffer);
      }
    } catch (err) {
      if (size > maxBytes) throw err;
      throw badRequest(`${field}: download from ${where} failed: ${reason(err)}`);
    }
    return {
      data: Buffer.concat(chunks),
      contentType: header(res.headers['content-type']),
      fileName: fileNameFromDisposition(header(res.headers['content-disposition'])),
    };
  }

  onModuleDestroy(): Promise<void> {
    return this.agent.close();
  }
}

/** Stops reading a body we do not want; destroying emits an error nobody else listens to. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

export function tooLarge(field: string, maxBytes: number): string {
  const mb = maxBytes / (1024 * 1024);
  return `${field}: media is larger than ${Number.isInteger(mb) ? `${mb} MB` : `${maxBytes} bytes`}`;
}

function reason(err: unknown): string {
  if (isSsrfBlockedError(err)) return 'address not allowed (SSRF guard)';
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.code === 'UND_ERR_HEADERS_TIMEOUT' || e?.code === 'UND_ERR_BODY_TIMEOUT') return 'timed out';
  return e?.cause?.code ?? e?.code ?? e?.message ?? String(err);
}
