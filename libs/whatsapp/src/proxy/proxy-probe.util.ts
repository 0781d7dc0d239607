import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ProxyRoute } from './proxy-route';
import type { ProxySettings } from './proxy.types';

/** Why a proxy was refused at set time; the message is safe to return (no credentials). */
export class ProxyUnreachableError extends Error {
  constructor(detail: string) {
    super(`proxy unreachable: ${detail}`);
    this.name = 'ProxyUnreachableError';
  }
}

/**
 * Checks, before a proxy is saved, that it carries a connection to `target` (the WhatsApp
 * websocket or Graph API origin): any HTTP answer from the target counts, a refused, timed-out
 * or unauthorised (407) tunnel does not. Goes through the same agent the websocket will use.
 */
export async function probeProxy(proxy: ProxySettings, target: string, timeoutMs: number): Promise<void> {
  const url = new URL(target);
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  url.protocol = secure ? 'https:' : 'http:';
  const route = ProxyRoute.of(proxy, timeoutMs);
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const req = (secure ? httpsRequest : httpRequest)(url, { method: 'GET', agent: route.agent, timeout: timeoutMs }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.once('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.once('error', reject);
      req.end();
    });
    // https-proxy-agent hands a refused CONNECT back as the response itself
    if (status === 407) throw new ProxyUnreachableError('the proxy refused the credentials (407 Proxy Authentication Required)');
  } catch (err) {
    if (err instanceof ProxyUnreachableError) throw err;
    throw new ProxyUnreachableError(describe(err, proxy));
  } finally {
    await route.close();
  }
}

function describe(err: unknown, proxy: ProxySettings): string {
  const e = err as { code?: string; message?: string };
  let text = e?.message || e?.code || String(err);
  // never echo a credential, whatever the library put in its message
  for (const secret of [proxy.password, proxy.username]) if (secret) text = text.split(secret).join('***');
  return text;
}
