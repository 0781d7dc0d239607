import { Agent, Dispatcher, request } from 'undici';

export interface SendResult {
  status: number;
  /** First bytes of the response, for the attempt log. */
  excerpt: string;
  latencyMs: number;
  retryAfter?: string;
}

const EXCERPT_BYTES = 512;

/**
 * POSTs webhook bodies over keep-alive connection pools (one per origin, managed by the
 * dispatcher; in production the SSRF-guarded agent).
 */
export class WebhookHttpSender {
  constructor(
    private readonly timeoutMs: number,
    private readonly dispatcher: Dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 128 }),
  ) {}

  async post(url: string, body: string, headers: Record<string, string>): Promise<SendResult> {
    const started = performance.now();
    const res = await request(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'wa-gateway-webhooks/1', ...headers },
      dispatcher: this.dispatcher,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    let excerpt = '';
    for await (const chunk of res.body) {
      if (excerpt.length < EXCERPT_BYTES) excerpt += chunk.toString('utf8');
    }
    const retryAfter = res.headers['retry-after'];
    return {
      status: res.statusCode,
      excerpt: excerpt.slice(0, EXCERPT_BYTES),
      latencyMs: performance.now() - started,
      ...(retryAfter ? { retryAfter: String(retryAfter) } : {}),
    };
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}
