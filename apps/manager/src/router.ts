import { useEffect, useState } from 'preact/hooks';

/** Hash routes (#/, #/instance/<name>/<tab>): the server serves one page, and no key ever rides in a URL. */
export type Route = { page: 'instances' } | { page: 'instance'; name: string; tab: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'instance' && parts[1]) return { page: 'instance', name: parts[1], tab: parts[2] ?? 'connect' };
  return { page: 'instances' };
}

export const instanceHref = (name: string, tab = 'connect') => `#/instance/${encodeURIComponent(name)}/${tab}`;

export function navigate(href: string): void {
  location.hash = href.replace(/^#/, '');
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
