import { createHash } from 'node:crypto';
import { type AnyFeed, parseFeed } from 'feedsmith';
import { parseHTML } from 'linkedom';
import { TradewireError } from '../errors.ts';
import { joinParagraphs, normaliseLine } from '../ingest/normalise.ts';
import { type DomNode, paragraphsOf } from '../ingest/parse-html.ts';

/** One item of a feed, whatever the format (RSS 2.0, Atom, RDF/RSS 1.0, JSON Feed). */
export interface FeedEntry {
  /** Identity within the feed: guid/id, else the link, else a hash of title and text. */
  key: string;
  url: string | undefined;
  title: string | undefined;
  published: string | undefined;
  /** The item's text as plain paragraphs (full content when the feed carries it, else the summary). */
  text: string;
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'rdf' | 'json';
  title: string | undefined;
  entries: FeedEntry[];
}

/** Plain paragraphs of an HTML fragment (feed descriptions and content are HTML). */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return joinParagraphs(html.split(/\n\s*\n/));
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  return joinParagraphs(paragraphsOf(document.body as unknown as DomNode));
}

const httpLink = (v: string | undefined): string | undefined =>
  v !== undefined && /^https?:\/\//i.test(v.trim()) ? v.trim() : undefined;

function entry(
  id: string | undefined,
  link: string | undefined,
  title: string | undefined,
  published: string | undefined,
  html: string | undefined,
  plain = false,
): FeedEntry {
  const text = html === undefined ? '' : plain ? html.trim() : htmlToText(html);
  const cleanTitle = title === undefined ? undefined : normaliseLine(htmlToText(title)) || undefined;
  const url = httpLink(link);
  const key =
    id?.trim() ||
    url ||
    `sha1:${createHash('sha1')
      .update(`${cleanTitle ?? ''}\n${text}`)
      .digest('hex')}`;
  return { key, url, title: cleanTitle, published: published?.trim() || undefined, text };
}

/** Parses a feed document; throws 'feed/parse' when it is not a feed or not well-formed. */
export function parseFeedDocument(xml: string): ParsedFeed {
  let parsed: AnyFeed<string>;
  try {
    parsed = parseFeed<string>(xml);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new TradewireError('feed/parse', `not a readable RSS, Atom or RDF feed: ${reason}`, {
      cause,
    });
  }
  switch (parsed.format) {
    case 'rss': {
      const f = parsed.feed;
      return {
        format: 'rss',
        title: f.title,
        entries: (f.items ?? []).map((i) =>
          entry(
            i.guid?.value,
            i.link,
            i.title,
            i.pubDate ?? i.dc?.dates?.[0],
            i.content?.encoded ?? i.description,
          ),
        ),
      };
    }
    case 'atom': {
      const f = parsed.feed;
      return {
        format: 'atom',
        title: f.title?.value,
        entries: (f.entries ?? []).map((e) => {
          const link =
            e.links?.find((l) => l.rel === undefined || l.rel === 'alternate')?.href ?? e.links?.[0]?.href;
          const body = e.content?.value ? e.content : e.summary;
          return entry(
            e.id,
            link,
            e.title?.value,
            e.published ?? e.updated,
            body?.value,
            body?.type === 'text',
          );
        }),
      };
    }
    case 'rdf': {
      const f = parsed.feed;
      return {
        format: 'rdf',
        title: f.title,
        entries: (f.items ?? []).map((i) =>
          entry(i.rdf?.about, i.link, i.title, i.dc?.dates?.[0], i.content?.encoded ?? i.description),
        ),
      };
    }
    case 'json': {
      const f = parsed.feed;
      return {
        format: 'json',
        title: f.title,
        entries: (f.items ?? []).map((i) =>
          i.content_html !== undefined
            ? entry(i.id, i.url, i.title, i.date_published, i.content_html)
            : entry(i.id, i.url, i.title, i.date_published, i.content_text ?? i.summary, true),
        ),
      };
    }
  }
}
