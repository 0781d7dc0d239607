import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';

/** One servable file, with the encodings the build made for it. */
export interface ManagerAsset {
  contentType: string;
  body: Buffer;
  br?: Buffer;
  gzip?: Buffer;
  /** Hashed file names never change content: cached for a year; index.html is revalidated every time. */
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Where scripts/build-manager.js writes the built app (dist/manager), seen from this compiled file. */
export const MANAGER_DIST = join(__dirname, '..', '..', '..', '..', 'manager');
const BASE_PLACEHOLDER = '__MANAGER_BASE__';

/**
 * The manager's built files, read once at boot (about 100 kB): requests are answered from memory
 * with the build's brotli/gzip variants. index.html gets the base path baked into its <base href>
 * here, since SERVER_BASE_PATH is only known at run time.
 */
@Injectable()
export class ManagerAssetsService implements OnModuleInit {
  private readonly assets = new Map<string, ManagerAsset>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleInit(): void {
    this.load(MANAGER_DIST);
  }

  /** Whether the build produced the manager (a tree built without it answers 404 with a hint). */
  get available(): boolean {
    return this.assets.has('index.html');
  }

  /** `path` relative to /manager/ ('' is the page itself); undefined for anything the build did not make. */
  find(path: string): ManagerAsset | undefined {
    return this.assets.get(path === '' ? 'index.html' : path);
  }

  load(dir: string): void {
    this.assets.clear();
    if (!existsSync(join(dir, 'index.html'))) return;
    const walk = (sub: string) => {
      for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
        const rel = sub ? `${sub}/${entry.name}` : entry.name;
        if (entry.isDirectory()) walk(rel);
        else if (TYPES[extname(entry.name)]) this.add(dir, rel);
      }
    };
    walk('');
  }

  private add(dir: string, rel: string): void {
    const file = join(dir, rel);
    const contentType = TYPES[extname(rel)];
    if (rel === 'index.html') {
      const base = `${this.config.server.basePath}/manager/`;
      const body = Buffer.from(readFileSync(file, 'utf8').replace(BASE_PLACEHOLDER, base));
      this.assets.set(rel, { contentType, body, br: brotliCompressSync(body), gzip: gzipSync(body), immutable: false });
      return;
    }
    const read = (suffix: string) => (existsSync(file + suffix) ? readFileSync(file + suffix) : undefined);
    this.assets.set(rel, { contentType, body: readFileSync(file), br: read('.br'), gzip: read('.gz'), immutable: rel.startsWith('assets/') });
  }
}
