import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import type { ArticleInput } from '../domain.ts';
import { TradewireError } from '../errors.ts';
import { joinParagraphs, normaliseLine } from './normalise.ts';

/** The parts of linkedom's DOM this module walks (linkedom's own types are not the DOM lib's). */
export interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
}
interface DomElement extends DomNode {
  getAttribute(name: string): string | null;
  remove(): void;
}
interface DomDocument {
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}

const TEXT_NODE = 3;
const ELEMENT_NODE = 1;

/** Elements that start a new paragraph when they open and when they close. */
const BLOCK = new Set(
  'ADDRESS ARTICLE ASIDE BLOCKQUOTE BR DD DIV DL DT FIGCAPTION FIGURE FOOTER H1 H2 H3 H4 H5 H6 HEADER HR LI MAIN OL P PRE SECTION TABLE TD TH TR UL'.split(
    ' ',
  ),
);
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG']);

/**
 * Page furniture removed before Readability runs: it scores text density, and a wordy ad or
 * newsletter box next to a short story can otherwise end up in the body.
 */
const BOILERPLATE = [
  'nav',
  'aside',
  'form',
  'iframe',
  '[role="navigation"]',
  '[role="complementary"]',
  '[role="contentinfo"]',
  'ins.adsbygoogle',
  '[class~="ad"]',
  '[class~="ads"]',
  '[class^="ad-"]',
  '[class*=" ad-"]',
  '[class*="advert"]',
  '[id^="ad-"]',
  '[id*="advert"]',
  '[class*="newsletter"]',
  '[class*="related"]',
  '[class*="social-share"]',
].join(', ');

/** Paragraphs that are only an ad label. */
const AD_LABEL =
  /^(?:advertisement|advertising|ad|sponsored(?: content)?|scroll to continue(?: with content)?)$/i;

/** Text of a subtree as paragraphs: each block element (and <br>) ends the current paragraph. */
export function paragraphsOf(root: DomNode): string[] {
  const out: string[] = [];
  let current = '';
  const flush = (): void => {
    if (current.trim() !== '') out.push(current);
    current = '';
  };
  const walk = (node: DomNode): void => {
    if (node.nodeType === TEXT_NODE) {
      current += node.textContent ?? '';
      return;
    }
    if (node.nodeType !== ELEMENT_NODE) return;
    const name = node.nodeName.toUpperCase();
    if (SKIP.has(name)) return;
    const block = BLOCK.has(name);
    if (block) flush();
    for (let i = 0; i < node.childNodes.length; i++) walk(node.childNodes[i]!);
    if (block) flush();
  };
  walk(root);
  flush();
  return out;
}

function meta(doc: DomDocument, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const el = doc.querySelector(`meta[property="${key}"], meta[name="${key}"], meta[itemprop="${key}"]`);
    const content = el?.getAttribute('content')?.trim();
    if (content) return content;
  }
  return undefined;
}

/** First value of `key` found anywhere in the page's JSON-LD blocks (objects, arrays, @graph). */
function jsonLd(
  doc: DomDocument,
  pickValue: (node: Record<string, unknown>) => string | undefined,
): string | undefined {
  const scripts = doc.querySelectorAll('script[type="application/ld+json"]');
  for (let i = 0; i < scripts.length; i++) {
    let data: unknown;
    try {
      data = JSON.parse(scripts[i]!.textContent ?? '');
    } catch {
      continue; // Broken JSON-LD is common; it only ever adds metadata.
    }
    const queue: unknown[] = [data];
    for (let seen = 0; queue.length > 0 && seen < 200; seen++) {
      const node = queue.shift();
      if (Array.isArray(node)) queue.push(...node);
      else if (typeof node === 'object' && node !== null) {
        const record = node as Record<string, unknown>;
        const found = pickValue(record);
        if (found) return found;
        if (record['@graph'] !== undefined) queue.push(record['@graph']);
      }
    }
  }
  return undefined;
}

function ldDatePublished(node: Record<string, unknown>): string | undefined {
  return typeof node.datePublished === 'string' ? node.datePublished.trim() : undefined;
}

function ldPublisherName(node: Record<string, unknown>): string | undefined {
  const publisher = node.publisher;
  if (typeof publisher === 'object' && publisher !== null && !Array.isArray(publisher)) {
    const name = (publisher as Record<string, unknown>).name;
    if (typeof name === 'string' && name.trim() !== '') return name.trim();
  }
  return undefined;
}

/** `href` resolved against `base`, kept only when it is an absolute http(s) URL. */
function httpUrl(href: string | null | undefined, base: string | undefined): string | undefined {
  if (!href?.trim()) return undefined;
  try {
    const url = base === undefined ? new URL(href.trim()) : new URL(href.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

type Extracted = {
  body: string;
  title: string | null | undefined;
  siteName: string | null | undefined;
  publishedTime: string | null | undefined;
};

/** Shortest main text accepted from the page when furniture was left in. */
const MIN_FALLBACK_CHARS = 200;

const KEEP = new Set(['HTML', 'HEAD', 'BODY', 'MAIN', 'ARTICLE']);

/** Readability's main text as paragraphs, or undefined when it finds none. */
function extract(document: unknown, clean: boolean): Extracted | undefined {
  if (clean) {
    const furniture = (document as DomDocument).querySelectorAll(BOILERPLATE);
    for (let i = furniture.length - 1; i >= 0; i--) {
      const el = furniture[i]!;
      if (!KEEP.has(el.nodeName.toUpperCase())) el.remove();
    }
  }
  let parsed: ReturnType<Readability<DomNode>['parse']>;
  try {
    // The serializer hands back the content node itself so its paragraphs can be walked.
    parsed = new Readability<DomNode>(document as never, {
      serializer: (node) => node as unknown as DomNode,
    }).parse();
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new TradewireError('ingest/no-text', `could not extract article text from HTML: ${reason}`, {
      cause,
    });
  }
  const paragraphs = parsed?.content ? paragraphsOf(parsed.content) : [];
  const body = joinParagraphs(paragraphs.filter((p) => !AD_LABEL.test(p.trim())));
  if (parsed === null || body === '') return undefined;
  return { body, title: parsed.title, siteName: parsed.siteName, publishedTime: parsed.publishedTime };
}

/**
 * An article from an HTML page. Obvious furniture (nav, aside, forms, ad and newsletter boxes) is
 * removed, then Readability picks the main text; paragraphs are kept. Metadata, first found wins:
 * - title: og:title, Readability's title (from <title>, site suffix trimmed), <h1>;
 * - source: og:site_name, JSON-LD publisher.name, Readability's site name (the byline is an
 *   author, not a source, and is not used);
 * - published: article:published_time meta (and similar metas), JSON-LD datePublished,
 *   Readability's published time, the first <time datetime>;
 * - url: <link rel=canonical>, og:url (both resolved against `url`), then `url` itself.
 * Fields are not yet normalised or checked: see validateArticle. Throws 'ingest/no-text' when
 * Readability finds no main text.
 */
export function parseHtml(html: string, url?: string): ArticleInput {
  const { document } = parseHTML(html);
  const doc = document as unknown as DomDocument;

  // Read metadata first: Readability rewrites the document as it goes.
  const canonical =
    httpUrl(doc.querySelector('link[rel~="canonical"]')?.getAttribute('href'), url) ??
    httpUrl(meta(doc, 'og:url'), url) ??
    httpUrl(url, undefined);
  const ogTitle = meta(doc, 'og:title', 'twitter:title');
  const h1 = doc.querySelector('h1')?.textContent ?? undefined;
  const siteName = meta(doc, 'og:site_name', 'application-name') ?? jsonLd(doc, ldPublisherName);
  const metaDate =
    meta(doc, 'article:published_time', 'datePublished', 'pubdate', 'publishdate', 'dc.date', 'date') ??
    jsonLd(doc, ldDatePublished);
  const timeDate = doc.querySelector('time[datetime]')?.getAttribute('datetime')?.trim() || undefined;

  // If removing furniture left nothing (an over-eager selector), try the untouched page once more,
  // but only trust a real paragraph or two from it: on a page with no story, Readability settles for menus.
  let article = extract(document, true);
  if (article === undefined) {
    const retry = extract(parseHTML(html).document, false);
    if (retry !== undefined && retry.body.length >= MIN_FALLBACK_CHARS) article = retry;
  }
  if (article === undefined)
    throw new TradewireError('ingest/no-text', 'no article text found in the HTML page');
  const { body } = article;

  const out: ArticleInput = { body };
  const title = [ogTitle, article.title ?? undefined, h1].map((t) => normaliseLine(t ?? '')).find(Boolean);
  if (title) out.title = title;
  const source = siteName ?? article.siteName?.trim();
  if (source) out.source = source;
  const published = metaDate ?? article.publishedTime?.trim() ?? timeDate;
  if (published) out.published = published;
  if (canonical !== undefined) out.url = canonical;
  return out;
}
