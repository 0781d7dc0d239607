import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON of any event
  receivedAt: number;
}

/** HTTP status to answer (optionally with headers), or 'hang' to never answer (to exercise timeouts). */
export type ReceiverReply = number | 'hang' | { status: number; headers?: Record<string, string> };
type Responder = (req: ReceivedWebhook) => ReceiverReply;

/**
 * A real HTTP server on 127.0.0.1 that records every webhook POST. Tests await
 * `waitFor(predicate)` instead of sleeping; `respondWith` scripts failures.
 */
export class WebhookReceiver {
  /** Webhooks answered with 2xx. */
  readonly received: ReceivedWebhook[] = [];
  /** Every request, whatever it was answered. */
  readonly attempts: ReceivedWebhook[] = [];
  private server?: Server;
  private waiters: { predicate: (w: ReceivedWebhook) => boolean; resolve: (w: ReceivedWebhook) => void }[] = [];
  private responder: Responder = () => 200;
  private attemptWaiters: ((w: ReceivedWebhook) => void)[] = [];

  /** Resolves at the next request of any kind (for tests that wait on retries). */
  nextAttempt(timeoutMs = 30_000): Promise<ReceivedWebhook> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no webhook request within ${timeoutMs} ms`)), timeoutMs);
      this.attemptWaiters.push((w) => {
        clearTimeout(timer);
        resolve(w);
      });
    });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  respondWith(responder: Responder) {
    this.responder = responder;
  }

  private handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        /* keep raw text */
      }
      const hook: ReceivedWebhook = { path: req.url ?? '/', headers: req.headers, raw, body, receivedAt: Date.now() };
      this.attempts.push(hook);
      const attemptWaiters = this.attemptWaiters;
      this.attemptWaiters = [];
      for (const resolve of attemptWaiters) setImmediate(() => resolve(hook));
      const reply = this.responder(hook);
      if (reply === 'hang') return;
      const { status, headers } = typeof reply === 'number' ? { status: reply, headers: {} } : reply;
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end('{"ok":true}');
      if (status < 200 || status >= 300) return;
      this.received.push(hook);
      for (const w of [...this.waiters]) {
        if (w.predicate(hook)) {
          this.waiters = this.waiters.filter((x) => x !== w);
          w.resolve(hook);
        }
      }
    });
  }

  /** Resolves with the first accepted webhook (already received or future) matching the predicate. */
  waitFor(predicate: (w: ReceivedWebhook) => boolean, timeoutMs = 30_000, what = 'webhook'): Promise<ReceivedWebhook> {
    const found = this.received.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got: ${this.received.map((r) => `${r.path}:${r.body?.event}`).join(', ')}`));
      }, timeoutMs);
      const done = (w: ReceivedWebhook) => {
        clearTimeout(timer);
        resolve(w);
      };
      this.waiters.push({ predicate, resolve: done });
    });
  }

  /** Webhooks of one event name (wire name, e.g. 'qrcode.updated'). */
  events(event: string, instance?: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.body?.event === event && (!instance || r.body?.instance === instance));
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
