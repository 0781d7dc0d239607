import type { ApiResponse, GatewayProcess } from '@gw/testing';
import type { E2eEnvironment } from './e2e-env';

/**
 * Requests exactly as n8n-nodes-evolution-api@1.0.4 makes them (compat §11): `apikey` header,
 * JSON in and out (`json: true`), the URI glued to the credential's server URL as is, so a
 * query string is not encoded and DELETE may carry a JSON body.
 */
export class N8nNode {
  constructor(
    private readonly gateway: GatewayProcess,
    public apikey: string,
  ) {}

  async request(method: string, uri: string, body?: unknown): Promise<ApiResponse> {
    const headers: Record<string, string> = { apikey: this.apikey, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.gateway.url}${uri}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: the node would fail to parse it, the assertion on the shape will say so */
    }
    return { status: res.status, body: parsed };
  }

  /** createInstanceBasic (row 1) with the webhook at `hooks`, then instanceConnect (row 2) and a QR scan. */
  async createAndLink(env: E2eEnvironment, name: string, hooks: string, extra: Record<string, unknown> = {}) {
    const created = await this.request('POST', '/instance/create', {
      instanceName: name,
      integration: 'WHATSAPP-BAILEYS',
      webhook: { url: hooks, byEvents: true, base64: false, events: [] },
      ...extra,
    });
    if (created.status !== 201) throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body)}`);
    const qr = await env.receiver.waitFor((w) => w.body?.event === 'qrcode.updated' && w.body.instance === name);
    const me = await env.fake.scan(qr.body.data.qrcode.code, { pushName: 'Gateway' });
    await env.receiver.waitFor((w) => w.body?.event === 'connection.update' && w.body.instance === name && w.body.data.state === 'open');
    return { created, me };
  }
}

/** Evolution's error envelope with a message naming `what`. */
export const envelope = (status: number, error: string, what: RegExp | string) => ({
  status,
  error,
  response: { message: expect.arrayContaining([typeof what === 'string' ? expect.stringContaining(what) : expect.stringMatching(what)]) },
});
