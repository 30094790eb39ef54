import type { ArticleInput } from '../domain.ts';
import { describeError } from '../errors.ts';
import { parseHtml } from '../ingest/parse-html.ts';
import type { Logger } from '../log.ts';
import { decodeBody } from './decode-body.ts';
import type { FeedEntry } from './parse-feed.ts';
import type { SafeFetcher } from './safe-fetch.ts';

const HTML_ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5';

/**
 * The article a feed entry stands for. When the entry carries only a teaser (less text than
 * `teaserChars`) and links to a page, the page is fetched (through the same SSRF-safe fetcher, with
 * its timeout, size cap and redirect bound) and its main text extracted; the feed's title and date
 * win over the page's. A page that cannot be fetched or read leaves the teaser, so the item is never lost.
 */
export async function feedArticle(
  entry: FeedEntry,
  ctx: { fetcher: SafeFetcher; teaserChars: number; source: string; log: Logger },
): Promise<ArticleInput> {
  const record: ArticleInput = { body: entry.text, source: ctx.source };
  if (entry.url !== undefined) record.url = entry.url;
  if (entry.title !== undefined) record.title = entry.title;
  if (entry.published !== undefined) record.published = entry.published;
  if (entry.url === undefined || entry.text.length >= ctx.teaserChars) return record;
  try {
    const page = await ctx.fetcher.get(entry.url, { accept: HTML_ACCEPT });
    const extracted = parseHtml(decodeBody(page.body, page.headers['content-type']), page.url);
    if (extracted.body.length > entry.text.length) record.body = extracted.body;
    record.title ??= extracted.title;
    record.published ??= extracted.published;
  } catch (err) {
    ctx.log.warn('article page not extracted; keeping the feed teaser', {
      url: entry.url,
      err: describeError(err),
    });
  }
  return record;
}
