import { createHash, randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface FakePhoneNumber {
  phoneNumberId: string;
  /** The only access token accepted for this number. */
  token: string;
  displayPhoneNumber: string;
  verifiedName?: string;
}

export interface GraphRequest {
  method: string;
  path: string;
  version: string;
  authorization?: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- Graph API JSON of any kind
}

type Waiter = { predicate: (r: GraphRequest) => boolean; resolve: (r: GraphRequest) => void };

/**
 * A local stand-in for Meta's Graph API (WhatsApp Cloud API): a real HTTP server that records
 * every request and answers like Meta for `GET /{version}/{phone-number-id}` and
 * `POST /{version}/{phone-number-id}/messages`, including Meta's error bodies for a bad token
 * (401, code 190), an unknown phone number id (400, code 100) and an invalid message (400, code 100).
 * Media: `GET /{version}/{media-id}` gives a download URL (served here, token required) and
 * `POST /{version}/{phone-number-id}/media` (multipart) keeps an upload and answers its id.
 */
export class FakeGraphApiServer {
  readonly requests: GraphRequest[] = [];
  private readonly numbers = new Map<string, FakePhoneNumber>();
  readonly media = new Map<string, { data: Buffer; mimeType: string }>();
  private waiters: Waiter[] = [];
  private server?: Server;

  static async start(numbers: FakePhoneNumber[] = []): Promise<FakeGraphApiServer> {
    const fake = new FakeGraphApiServer();
    numbers.forEach((n) => fake.addNumber(n));
    fake.server = createServer((req, res) => fake.handle(req, res));
    await new Promise<void>((resolve) => fake.server!.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  addNumber(n: FakePhoneNumber) {
    this.numbers.set(n.phoneNumberId, n);
  }

  /** Resolves with the first request (already made or future) matching the predicate. */
  waitFor(predicate: (r: GraphRequest) => boolean, timeoutMs = 15_000): Promise<GraphRequest> {
    const found = this.requests.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching Graph API request within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ predicate, resolve: (r) => (clearTimeout(timer), resolve(r)) });
    });
  }

  /** Media Meta holds for this fake: inbound media a test puts here, and what the gateway uploads. */
  addMedia(id: string, data: Buffer, mimeType: string) {
    this.media.set(id, { data, mimeType });
  }

  private handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void this.handleBody(req, res, Buffer.concat(chunks)));
  }

  private async handleBody(req: IncomingMessage, res: ServerResponse, bytes: Buffer) {
    const raw = bytes.toString('utf8');
    const url = new URL(req.url ?? '/', 'http://graph.local');
    const [version = '', ...rest] = url.pathname.split('/').filter(Boolean);
    if (version === 'media-bytes') return this.serveMedia(req, res, rest[0] ?? '');
    let body: unknown = undefined;
    if (String(req.headers['content-type']).startsWith('multipart/form-data')) {
      body = await this.readUpload(req, bytes);
    } else {
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
    }
    const record: GraphRequest = { method: req.method ?? 'GET', path: '/' + rest.join('/'), version, authorization: req.headers.authorization, body };
    this.requests.push(record);
    for (const w of [...this.waiters]) {
      if (w.predicate(record)) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(record);
      }
    }
    const [status, reply] = this.answer(record, rest, url);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
  }

  /** A multipart /media upload as JSON for the request log: the fields, and the file's size, type and name. */
  private async readUpload(req: IncomingMessage, bytes: Buffer) {
    const form = await new Request('http://graph.local/', { method: 'POST', headers: { 'content-type': String(req.headers['content-type']) }, body: bytes })
      .formData()
      .catch(() => undefined);
    if (!form) return 'unreadable multipart body';
    const out: Record<string, unknown> = {};
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') out[name] = value;
      else out[name] = { size: value.size, type: value.type, name: value.name, data: Buffer.from(await value.arrayBuffer()) };
    }
    return out;
  }

  /** The download URL's answer: the bytes, for a bearer token of any known number (Meta's lookaside host). */
  private serveMedia(req: IncomingMessage, res: ServerResponse, id: string) {
    const tokens = [...this.numbers.values()].map((n) => `Bearer ${n.token}`);
    const media = this.media.get(id);
    this.requests.push({ method: req.method ?? 'GET', path: `/media-bytes/${id}`, version: '', authorization: req.headers.authorization, body: undefined });
    if (!tokens.includes(String(req.headers.authorization))) return res.writeHead(401).end();
    if (!media) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': media.mimeType, 'content-length': media.data.length }).end(media.data);
  }

  private answer(r: GraphRequest, parts: string[], url: URL): [number, unknown] {
    const number = this.numbers.get(parts[0] ?? '');
    if (!/^v\d+\.\d+$/.test(r.version)) return [400, graphError('Unknown path components', 'OAuthException', 2500)];
    const media = r.method === 'GET' && parts.length === 1 ? this.media.get(parts[0]) : undefined;
    if (media) {
      if (![...this.numbers.values()].some((n) => r.authorization === `Bearer ${n.token}`)) {
        return [401, graphError('Invalid OAuth access token - Cannot parse access token', 'OAuthException', 190)];
      }
      const sha256 = createHash('sha256').update(media.data).digest('base64');
      return [200, { messaging_product: 'whatsapp', url: `${this.url}/media-bytes/${parts[0]}`, mime_type: media.mimeType, sha256, file_size: media.data.length, id: parts[0] }];
    }
    if (!number) {
      return [400, graphError(`Unsupported request - object with ID '${parts[0]}' does not exist`, 'GraphMethodException', 100, 33)];
    }
    if (r.authorization !== `Bearer ${number.token}`) {
      return [401, graphError('Invalid OAuth access token - Cannot parse access token', 'OAuthException', 190)];
    }
    if (r.method === 'GET' && parts.length === 1) {
      const fields = (url.searchParams.get('fields') ?? 'id,display_phone_number,verified_name').split(',');
      const all: Record<string, string> = {
        id: number.phoneNumberId,
        display_phone_number: number.displayPhoneNumber,
        verified_name: number.verifiedName ?? 'Test Business',
      };
      return [200, Object.fromEntries(fields.filter((f) => f in all).map((f) => [f, all[f]]))];
    }
    if (r.method === 'POST' && parts.length === 2 && parts[1] === 'media') {
      const b = (r.body ?? {}) as { messaging_product?: string; type?: string; file?: { data: Buffer; type: string } };
      if (b.messaging_product !== 'whatsapp') return [400, graphError('(#100) The parameter messaging_product is required.', 'OAuthException', 100)];
      if (!b.file?.data?.length) return [400, graphError('(#100) The parameter file is required.', 'OAuthException', 100)];
      const id = String(Date.now()) + String(this.media.size).padStart(4, '0');
      this.media.set(id, { data: b.file.data, mimeType: b.type ?? b.file.type });
      return [200, { id }];
    }
    if (r.method === 'POST' && parts.length === 2 && parts[1] === 'messages') {
      const b = (r.body ?? {}) as { messaging_product?: string; to?: string; type?: string };
      if (b.messaging_product !== 'whatsapp') return [400, graphError('(#100) The parameter messaging_product is required.', 'OAuthException', 100)];
      if (!b.to) return [400, graphError('(#100) The parameter to is required.', 'OAuthException', 100)];
      if (!b.type || !(b.type in (r.body as object))) {
        return [400, graphError(`(#100) Param ${b.type ?? 'type'} is required`, 'OAuthException', 100)];
      }
      const waId = b.to.replace(/\D/g, '');
      return [200, { messaging_product: 'whatsapp', contacts: [{ input: b.to, wa_id: waId }], messages: [{ id: fakeWamid() }] }];
    }
    return [400, graphError('Unsupported request', 'GraphMethodException', 100)];
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

function graphError(message: string, type: string, code: number, subcode?: number) {
  return { error: { message, type, code, ...(subcode ? { error_subcode: subcode } : {}), fbtrace_id: randomBytes(8).toString('base64url') } };
}

/** Meta's message ids look like wamid.<base64>. */
export function fakeWamid(): string {
  return `wamid.${randomBytes(24).toString('base64').replace(/=+$/, '')}`;
}
