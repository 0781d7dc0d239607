import { request } from 'undici';
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
 * websocket or Graph API origin): any HTTP answer from the target counts; a refused, timed-out
 * or unauthorised tunnel does not. The undici dispatcher is used because it tells a proxy's
 * refusal (CONNECT answered 407/403/502, SOCKS auth failure) apart from the target's answer.
 */
export async function probeProxy(proxy: ProxySettings, target: string, timeoutMs: number): Promise<void> {
  const url = new URL(target);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'https:' : 'http:';
  const route = ProxyRoute.of(proxy, timeoutMs);
  try {
    const res = await request(url, {
      method: 'GET',
      dispatcher: route.dispatcher,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body.dump();
  } catch (err) {
    throw new ProxyUnreachableError(describe(err, proxy, timeoutMs));
  } finally {
    await route.close();
  }
}

function describe(err: unknown, proxy: ProxySettings, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  let text =
    e?.name === 'TimeoutError' || e?.code === 'UND_ERR_CONNECT_TIMEOUT' || e?.code === 'UND_ERR_HEADERS_TIMEOUT'
      ? `no answer within ${timeoutMs} ms`
      : /\b407\b/.test(e?.message ?? '')
        ? 'the proxy refused the credentials (407 Proxy Authentication Required)'
        : [e?.message, e?.cause?.message].filter(Boolean).join(': ') || e?.code || String(err);
  // never echo a credential, whatever a library put in its message
  for (const secret of [proxy.password, proxy.username]) if (secret) text = text.split(secret).join('***');
  return text;
}
