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

/**
 * Text of a subtree as paragraphs: each block element (and <br>) ends the current paragraph.
 * Iterative (an explicit stack), so a page nested 100,000 deep cannot overflow the call stack;
 * `skip` names elements left out with their subtrees.
 */
export function paragraphsOf(root: DomNode, skip: ReadonlySet<string> = SKIP): string[] {
  const out: string[] = [];
  let current = '';
  const flush = (): void => {
    if (current.trim() !== '') out.push(current);
    current = '';
  };
  // Entries are nodes to enter, or `null` marking the end of a block element.
  const stack: Array<DomNode | null> = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || node === undefined) {
      flush();
      continue;
    }
    if (node.nodeType === TEXT_NODE) {
      current += node.textContent ?? '';
      continue;
    }
    if (node.nodeType !== ELEMENT_NODE) continue;
    const name = node.nodeName.toUpperCase();
    if (skip.has(name)) continue;
    const block = BLOCK.has(name);
    if (block) {
      flush();
      stack.push(null);
    }
    const children = node.childNodes;
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  flush();
  return out;
}

/**
 * Bounds on what Readability is given. It rescans the tree many times and linkedom's DOM is a linked
 * list, so its cost grows much faster than the page: 1,000 nested <div>s took 43 s and 20,000 flat
 * ones over 3 minutes. Pages past READABILITY_MAX_DEPTH or READABILITY_MAX_ELEMENTS are read by the
 * plain extractor (every paragraph outside page furniture, linear time); pages with more than
 * MAX_HTML_TAGS tags are rejected before they are parsed at all ('ingest/too-complex').
 */
export const HTML_LIMITS = {
  readabilityMaxDepth: 60,
  readabilityMaxElements: 4_000,
  maxTags: 200_000,
  /**
   * The HTML parser itself slows quadratically with nesting (100,000 nested <div>s: 43 s), so markup
   * nested deeper than this is flattened before parsing: layout tags go, paragraphs stay.
   */
  maxRawDepth: 1_000,
} as const;

/** Elements that never hold others, or that the parser closes implicitly, so they do not deepen nesting. */
const FLAT = new Set(
  'area base br col embed hr img input link meta source track wbr p li dt dd option tr td th'.split(' '),
);
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?(\/?)>/g;

/** Deepest nesting of the raw markup, estimated from open and close tags without parsing. */
function rawDepth(html: string): number {
  let depth = 0;
  let max = 0;
  for (const m of html.matchAll(TAG)) {
    const name = m[2]!.toLowerCase();
    if (FLAT.has(name) || m[3] === '/') continue;
    if (m[1] === '/') depth = Math.max(0, depth - 1);
    else if (++depth > max) max = depth;
  }
  return max;
}

/** Tags kept when flattening: text carriers and the head's metadata (and what to skip). */
const KEPT_WHEN_FLAT = new Set(
  'html head body title meta link script style noscript template p br h1 h2 h3 h4 h5 h6 li pre blockquote time'.split(
    ' ',
  ),
);

/** Markup with every other tag removed (block boundaries become <br>), so it parses in linear time. */
function flattenMarkup(html: string): string {
  return html
    .replace(TAG, (tag, _close: string, name: string) => {
      const lower = name.toLowerCase();
      if (KEPT_WHEN_FLAT.has(lower)) return tag;
      return BLOCK.has(lower.toUpperCase()) ? '<br>' : ' ';
    })
    .replace(/<br>(?:\s*<br>)+/g, '<br>');
}

/** Furniture the plain extractor drops, by element name (no selector matching: it must stay linear). */
const PLAIN_SKIP = new Set([
  ...SKIP,
  'NAV',
  'ASIDE',
  'FORM',
  'IFRAME',
  'HEADER',
  'FOOTER',
  'BUTTON',
  'SELECT',
]);

/** Depth and element count of a tree, walked iteratively; stops counting past `stopAt` elements. */
function measure(root: DomNode, stopAt: number): { depth: number; elements: number } {
  let depth = 0;
  let elements = 0;
  const stack: Array<[DomNode, number]> = [[root, 0]];
  while (stack.length > 0 && elements <= stopAt) {
    const [node, d] = stack.pop()!;
    if (node.nodeType !== ELEMENT_NODE) continue;
    elements++;
    if (d > depth) depth = d;
    const children = node.childNodes;
    for (let i = 0; i < children.length; i++) stack.push([children[i]!, d + 1]);
  }
  return { depth, elements };
}

/** Tags in raw markup (`<` followed by a letter), counted without parsing. */
function countTags(html: string, stopAt: number): number {
  let n = 0;
  for (let i = html.indexOf('<'); i !== -1 && n <= stopAt; i = html.indexOf('<', i + 1)) {
    const c = html.charCodeAt(i + 1);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) n++;
  }
  return n;
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

/**
 * The main text of a page too deep or too large for Readability: the paragraphs of <article>, else
 * <main>, else <body>, without furniture elements; title from <title>.
 */
function plainExtract(doc: DomDocument): Extracted | undefined {
  const root = doc.querySelector('article') ?? doc.querySelector('main') ?? doc.querySelector('body');
  if (root === null) return undefined;
  const paragraphs = paragraphsOf(root, PLAIN_SKIP).filter((p) => !AD_LABEL.test(p.trim()));
  const body = joinParagraphs(paragraphs);
  if (body === '') return undefined;
  const title = doc.querySelector('title')?.textContent ?? undefined;
  return { body, title, siteName: undefined, publishedTime: undefined };
}

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
  const tags = countTags(html, HTML_LIMITS.maxTags);
  if (tags > HTML_LIMITS.maxTags) {
    throw new TradewireError(
      'ingest/too-complex',
      `HTML page has over ${HTML_LIMITS.maxTags.toLocaleString('en-US')} tags`,
      { hint: 'save the article itself (reader view, or its text) rather than the whole page' },
    );
  }
  const flattened = rawDepth(html) > HTML_LIMITS.maxRawDepth;
  const markup = flattened ? flattenMarkup(html) : html;
  const { document } = parseHTML(markup);
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
  let article: Extracted | undefined;
  const root = doc.querySelector('html') ?? (document as unknown as DomNode);
  const size = measure(root, HTML_LIMITS.readabilityMaxElements);
  if (
    flattened ||
    size.depth > HTML_LIMITS.readabilityMaxDepth ||
    size.elements > HTML_LIMITS.readabilityMaxElements
  ) {
    article = plainExtract(doc);
  } else {
    article = extract(document, true);
    if (article === undefined) {
      const retry = extract(parseHTML(markup).document, false);
      if (retry !== undefined && retry.body.length >= MIN_FALLBACK_CHARS) article = retry;
    }
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
