import { TradewireError } from '../errors.ts';
import { clip } from './normalise.ts';

/** Query parameters that only track the click, never choose the page. */
const TRACKING_PARAMS: ReadonlySet<string> = new Set(['fbclid', 'gclid', 'mc_cid', 'mc_eid', 'ref']);

function isTrackingParam(name: string): boolean {
  const key = name.toLowerCase();
  return key.startsWith('utm_') || TRACKING_PARAMS.has(key);
}

/**
 * One spelling per page, so the same article linked two ways is one URL:
 * lower-case scheme and host, no default port, no fragment, no tracking parameters
 * (utm_*, fbclid, gclid, mc_cid, mc_eid, ref), remaining parameters sorted by name
 * (stable: repeated names keep their order), no trailing slash except the root path.
 * Throws 'ingest/bad-record' when the text is not an absolute URL.
 */
export function canonicalUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch (cause) {
    throw new TradewireError('ingest/bad-record', `url is not a valid absolute URL: ${clip(url)}`, { cause });
  }
  // WHATWG URL already lower-cases scheme and host and drops default ports (http:80, https:443).
  parsed.hash = '';
  if (parsed.search !== '') {
    const kept = new URLSearchParams();
    for (const [name, value] of parsed.searchParams) if (!isTrackingParam(name)) kept.append(name, value);
    kept.sort();
    const query = kept.toString();
    parsed.search = query === '' ? '' : `?${query}`;
  }
  if (parsed.pathname.length > 1 && parsed.pathname.endsWith('/')) {
    parsed.pathname = parsed.pathname.replace(/\/+$/, '') || '/';
  }
  // An empty query ("https://x.com/a?") keeps its bare "?" in href; drop it.
  return parsed.href.replace(/\?$/, '');
}
