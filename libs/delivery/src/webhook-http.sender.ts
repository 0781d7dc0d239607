import { Agent, request } from 'undici';

export interface SendResult {
  status: number;
  /** First bytes of the response, for the logs. */
  excerpt: string;
  latencyMs: number;
}

const EXCERPT_BYTES = 512;

/** POSTs webhook bodies over keep-alive connection pools (one per origin, managed by the agent). */
export class WebhookHttpSender {
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 128 });

  constructor(private readonly timeoutMs: number) {}

  async post(url: string, body: string, headers: Record<string, string>): Promise<SendResult> {
    const started = performance.now();
    const res = await request(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'wa-gateway-webhooks/1', ...headers },
      dispatcher: this.agent,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    let excerpt = '';
    for await (const chunk of res.body) {
      if (excerpt.length < EXCERPT_BYTES) excerpt += chunk.toString('utf8');
    }
    return { status: res.statusCode, excerpt: excerpt.slice(0, EXCERPT_BYTES), latencyMs: performance.now() - started };
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
