import { execFileSync } from 'node:child_process';
import { createDecipheriv, hkdfSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BinaryNode } from '@whiskeysockets/baileys';

/** One encrypted blob a client uploaded (what WhatsApp's media servers would keep). */
export interface UploadedMedia {
  /** `/mms/<type>/<fileEncSha256>` */
  path: string;
  bytes: Buffer;
  at: string;
}

/**
 * WhatsApp's media servers, faked: Baileys asks for upload hosts with `<media_conn/>` and then
 * POSTs the encrypted file to `https://<host>/mms/<type>/<hash>`; it only speaks HTTPS. We serve
 * HTTPS on 127.0.0.1 with a throwaway self-signed certificate (made with the openssl CLI) that a
 * client process trusts through NODE_EXTRA_CA_CERTS=caCertPath. Uploads are also served back by GET.
 */
export class FakeMediaHost {
  readonly uploads = new Map<string, UploadedMedia>();
  private server?: Server;
  private dir?: string;
  private port = 0;

  /** PEM of the certificate to trust (pass as NODE_EXTRA_CA_CERTS to the client process) */
  get caCertPath(): string {
    return join(this.dir!, 'cert.pem');
  }

  get hostname(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.dir = mkdtempSync(join(tmpdir(), 'fake-wa-media-'));
    const key = join(this.dir, 'key.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', this.caCertPath,
    ], { stdio: 'ignore' });
    this.server = createServer({ key: readFileSync(key), cert: readFileSync(this.caCertPath) }, (req, res) => {
      const path = new URL(req.url ?? '/', 'https://localhost').pathname;
      if (req.method === 'POST' && path.startsWith('/mms/')) {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          this.uploads.set(path, { path, bytes: Buffer.concat(chunks), at: new Date().toISOString() });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ url: `https://${this.hostname}${path}`, direct_path: path }));
        });
        return;
      }
      const found = this.uploads.get(path);
      res.writeHead(found ? 200 : 404).end(found?.bytes ?? '');
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /**
   * The plain bytes of an upload, as the recipient's phone gets them: WhatsApp's media
   * encryption (HKDF-SHA256 of the message's mediaKey; AES-256-CBC; a 10-byte MAC at the end).
   * `mediaKey` as the decoded message carries it (bytes or base64).
   */
  decrypt(directPath: string, mediaKey: Uint8Array | string, kind: 'image' | 'video' | 'audio' | 'document' | 'sticker'): Buffer {
    const upload = this.uploads.get(directPath);
    if (!upload) throw new Error(`nothing was uploaded at ${directPath}`);
    const key = typeof mediaKey === 'string' ? Buffer.from(mediaKey, 'base64') : Buffer.from(mediaKey);
    const label = { image: 'Image', sticker: 'Image', video: 'Video', audio: 'Audio', document: 'Document' }[kind];
    const expanded = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `WhatsApp ${label} Keys`, 112));
    const decipher = createDecipheriv('aes-256-cbc', expanded.subarray(16, 48), expanded.subarray(0, 16));
    return Buffer.concat([decipher.update(upload.bytes.subarray(0, -10)), decipher.final()]);
  }

  /** The answer to `<iq xmlns="w:m"><media_conn/></iq>`: this host as the only upload host. */
  mediaConnAnswer(iq: BinaryNode): BinaryNode {
    return {
      tag: 'iq',
      attrs: { id: iq.attrs.id, type: 'result', from: iq.attrs.to ?? 's.whatsapp.net' },
      content: [
        {
          tag: 'media_conn',
          attrs: { auth: 'fake-media-auth', ttl: '3600', auth_ttl: '3600', max_buckets: '1' },
          content: [{ tag: 'host', attrs: { hostname: this.hostname, maxContentLengthBytes: String(100 * 1024 * 1024) } }],
        },
      ],
    };
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

export const isMediaConnIq = (node: BinaryNode) =>
  node.tag === 'iq' && node.attrs.xmlns === 'w:m' && Array.isArray(node.content) && node.content.some((c) => c.tag === 'media_conn');
