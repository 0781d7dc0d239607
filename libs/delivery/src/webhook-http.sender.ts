import { Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { Agent, Dispatcher, request } from 'undici';
import { RequestDeadline } from './request-deadline';
import { sendableWebhookHeaders } from './webhook-headers';

export interface SendResult {
  status: number;
  /** First bytes of the response, for the attempt log. */
  excerpt: string;
  latencyMs: number;
  retryAfter?: string;
}

const EXCERPT_BYTES = 512;
/** Distinct (origin, header problem) warnings remembered, so a bad stored header is reported once, not per event. */
const MAX_WARNED = 1000;

/**
 * POSTs webhook bodies over keep-alive connection pools (one per origin, managed by the
 * dispatcher; in production the SSRF-guarded agent).
 */
export class WebhookHttpSender {
  private readonly logger = new Logger('Delivery');
  private readonly warned = new Set<string>();

  constructor(
    private readonly timeoutMs: number,
    private readonly dispatcher: Dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 128 }),
  ) {}

  /**
   * `own`: the gateway's headers (signatures, ids); `custom`: the webhook's configured ones, which
   * may replace user-agent or add authorization but never override ours or the HTTP framing.
   */
  async post(url: string, body: string, own: Record<string, string>, custom: Record<string, string> = {}): Promise<SendResult> {
    const started = performance.now();
    // The whole exchange (answer and body) ends within the timeout, whatever the receiver does.
    const deadline = new RequestDeadline(this.timeoutMs);
    try {
      const res = await request(url, {
        method: 'POST',
        body,
        headers: { 'user-agent': 'wa-gateway-webhooks/1', ...this.sendable(url, custom), ...own, 'content-type': 'application/json' },
        dispatcher: this.dispatcher,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: deadline,
      });
      const excerpt = await readExcerpt(res.body, EXCERPT_BYTES);
      const retryAfter = res.headers['retry-after'];
      return {
        status: res.statusCode,
        excerpt,
        latencyMs: performance.now() - started,
        ...(retryAfter ? { retryAfter: String(retryAfter) } : {}),
      };
    } finally {
      deadline.clear();
    }
  }

  /**
   * Webhooks set before header validation existed may hold a header that can never be sent
   * (CR/LF in a value, an invalid name) or that overrides ours. Sent as is, undici throws on
   * every attempt and each event retries for days, or the receiver gets our framing wrong. Such
   * a header is dropped and the rest delivered: the receiver still gets its events (and can
   * refuse them itself if it needed that header), and the operator is told once per webhook
   * origin, which a per-attempt failure would bury under retries. Values are never logged.
   */
  private sendable(url: string, custom: Record<string, string>): Record<string, string> {
    const { headers, dropped } = sendableWebhookHeaders(custom);
    for (const problem of dropped) {
      const origin = safeOrigin(url);
      const key = `${origin} ${problem}`;
      if (this.warned.has(key)) continue;
      if (this.warned.size >= MAX_WARNED) this.warned.clear();
      this.warned.add(key);
      this.logger.warn(`webhook ${origin}: header dropped, fix it with /webhook/set: ${problem}`);
    }
    return headers;
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}

/**
 * Reads a response to its end (so the connection is reused) and keeps its first `max` characters
 * for the attempt log; plain listeners, as an async iterator costs more than most answers' bytes.
 */
function readExcerpt(body: Readable, max: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let excerpt = '';
    body.on('data', (chunk: Buffer) => {
      if (excerpt.length < max) excerpt += chunk.toString('utf8');
    });
    body.once('end', () => resolve(excerpt.slice(0, max)));
    body.once('error', reject);
  });
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
