import { Inject, Injectable, OnModuleInit, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { AUTH_MODE, AuthMode, BODY_LIMIT, SMALL_BODY_LIMIT_BYTES } from '@gw/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { match, type MatchFunction } from 'path-to-regexp';

/** What the edge needs to know about a route before Nest's router has run. */
export interface EdgeRoute {
  method: string;
  path: string;
  auth: AuthMode;
  bodyLimit: number;
}

export interface MatchedRoute {
  route: EdgeRoute;
  params: Record<string, string | string[]>;
}

interface Entry {
  route: EdgeRoute;
  methods: Set<string>;
  match: MatchFunction<Record<string, string | string[]>>;
}

const METHODS: Partial<Record<RequestMethod, string[]>> = {
  [RequestMethod.GET]: ['GET', 'HEAD'],
  [RequestMethod.POST]: ['POST'],
  [RequestMethod.PUT]: ['PUT'],
  [RequestMethod.DELETE]: ['DELETE'],
  [RequestMethod.PATCH]: ['PATCH'],
  [RequestMethod.OPTIONS]: ['OPTIONS'],
  [RequestMethod.HEAD]: ['HEAD'],
};
const ANY = '*';

/** Express's own param decoding (router/lib/layer.js): a malformed escape is a 400, not a 500. */
function decodeParam(value: string): string {
  try {
    return value.includes('%') ? decodeURIComponent(value) : value;
  } catch {
    throw Object.assign(new URIError(`Failed to decode param '${value}'`), { status: 400 });
  }
}

const join = (...parts: string[]) => `/${parts.flatMap((p) => p.split('/')).filter(Boolean).join('/')}`;
const asList = (v: string | string[] | undefined) => (v === undefined ? [''] : Array.isArray(v) ? v : [v]);

/**
 * Every route of every controller with its auth mode (@Public, @GlobalKeyOnly, …) and body
 * limit (@MediaBody), read from the same decorators the guard reads, so the edge can
 * authenticate and size a request before its body is read. Paths are matched the way
 * Express 5 matches them (path-to-regexp, case-insensitive, optional trailing slash).
 */
@Injectable()
export class RouteTable implements OnModuleInit {
  private entries: Entry[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit() {
    this.entries = this.discovery.getControllers().flatMap(({ metatype }) => {
      if (!metatype) return [];
      const prototype = metatype.prototype as Record<string, (...args: unknown[]) => unknown>;
      const ctrlPaths = asList(Reflect.getMetadata(PATH_METADATA, metatype));
      return this.scanner.getAllMethodNames(prototype).flatMap((name) => {
        const handler = prototype[name];
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (paths === undefined || method === undefined) return [];
        const auth = this.reflector.getAllAndOverride<AuthMode>(AUTH_MODE, [handler, metatype]) ?? 'instance';
        const bodyLimit = this.reflector.getAllAndOverride<number>(BODY_LIMIT, [handler, metatype]) ?? SMALL_BODY_LIMIT_BYTES;
        const methods = new Set(method === RequestMethod.ALL ? [ANY] : (METHODS[method] ?? []));
        return ctrlPaths.flatMap((ctrl) =>
          asList(paths).map((p) => {
            const path = join(this.config.server.basePath, ctrl, p);
            const route = { method: RequestMethod[method], path, auth, bodyLimit };
            return { route, methods, match: match(path, { sensitive: false, end: true, trailing: true, decode: decodeParam }) };
          }),
        );
      });
    });
  }

  /** The route Express will dispatch `method path` to, with its decoded params; undefined for a 404. */
  find(method: string, path: string): MatchedRoute | undefined {
    for (const entry of this.entries) {
      if (!entry.methods.has(method) && !entry.methods.has(ANY)) continue;
      const found = entry.match(path);
      if (found) return { route: entry.route, params: found.params };
    }
    return undefined;
  }
}
