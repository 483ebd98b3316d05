// Hash routes (`/ui/#/models/mnist`), as MLflow's UI has them: the server serves one page at /ui/ and
// needs no fallback for deep links, on Node and on Workers' static assets alike.
import { useEffect, useState } from 'preact/hooks';

export interface Location {
  /** The path's segments, decoded: `#/models/a%20b` gives ['models', 'a b']. */
  segments: string[];
  query: URLSearchParams;
}

function current(): Location {
  const [path = '', search = ''] = location.hash.replace(/^#/, '').split('?');
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { segments, query: new URLSearchParams(search) };
}

export function useLocation(): Location {
  const [where, setWhere] = useState(current);
  useEffect(() => {
    const changed = () => setWhere(current());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return where;
}

/** The href of a route: `href('models', name)` → `#/models/<name>`, with an optional query. */
export function href(...parts: (string | number | Record<string, string | number | undefined>)[]): string {
  const last = parts.at(-1);
  const query = typeof last === 'object' ? (parts.pop() as Record<string, string | number | undefined>) : {};
  const path = (parts as (string | number)[]).map((part) => encodeURIComponent(String(part))).join('/');
  const search = new URLSearchParams(Object.entries(query).filter(([, value]) => value !== undefined && value !== '') as [string, string][]);
  return `#/${path}${search.size > 0 ? `?${search}` : ''}`;
}

/** Goes to a route; `replace` changes the current history entry instead (typing in a search box). */
export function navigate(to: string, { replace = false } = {}): void {
  if (replace) location.replace(to);
  else location.hash = to.replace(/^#/, '');
}
