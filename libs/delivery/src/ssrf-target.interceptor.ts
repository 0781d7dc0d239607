import type { Dispatcher } from 'undici';
import { guardedLookup, parseAllowList, type SsrfMode } from './ssrf-guard';

/**
 * The SSRF guard for requests that leave through a proxy: the socket goes to the proxy, so the
 * guard cannot sit in the connection's DNS lookup. Instead every request (each redirect hop,
 * when composed inside the redirect interceptor) has its target host resolved here and judged
 * by the same rules before the proxy is asked to reach it.
 */
export function ssrfTargetCheck(options: { mode: SsrfMode; allowHosts?: string[] }): Dispatcher.DispatcherComposeInterceptor {
  const lookup = options.mode === 'off' ? undefined : guardedLookup(options.mode, parseAllowList(options.allowHosts ?? []));
  return (dispatch) => (opts, handler) => {
    if (!lookup) return dispatch(opts, handler);
    const origin = opts.origin instanceof URL ? opts.origin : new URL(String(opts.origin));
    const host = origin.hostname.replace(/^\[|\]$/g, '');
    lookup(host, { all: true }, (err) => {
      if (err) return (handler as Dispatcher.DispatchHandler).onResponseError?.(null as never, err);
      dispatch(opts, handler);
    });
    return true;
  };
}
