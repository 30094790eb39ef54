import type { ArticleInput } from '../domain.ts';
import { TradewireError } from '../errors.ts';
import { canonicalUrl } from './canonical-url.ts';
import { clip, formatBytes, normaliseBody, normaliseLine } from './normalise.ts';

/** Largest accepted article body, in UTF-8 bytes after normalisation. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;
/**
 * Longest title and source kept, in characters: longer ones are cut at a word boundary and end in
 * "…" (they become alert and digest lines, which must stay lines). A URL cannot be cut without
 * pointing somewhere else, so a longer one rejects the record ('ingest/oversize').
 */
export const MAX_TITLE_CHARS = 300;
export const MAX_SOURCE_CHARS = 100;
export const MAX_URL_CHARS = 2048;

/** Bytes sniffed for binary content. */
const SNIFF_BYTES = 64 * 1024;
/** Share of control bytes above which input counts as binary. */
const MAX_CONTROL_SHARE = 0.1;

/**
 * Why these bytes are not text, or undefined when they look like text. Looks at the first
 * 64 KB: any NUL byte, or more than 10% control bytes (other than tab, newline, CR, FF, VT, ESC).
 * With `nulPerRecord` (JSON Lines, where each line is judged on its own) a NUL byte only counts as
 * one more control byte: a stray NUL rejects its line, not the file.
 */
export function binaryReason(buf: Uint8Array, opts: { nulPerRecord?: boolean } = {}): string | undefined {
  const n = Math.min(buf.length, SNIFF_BYTES);
  if (n >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
    return 'utf-16';
  }
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = buf[i]!;
    if (b === 0 && !opts.nulPerRecord) return 'contains NUL bytes';
    if (
      (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0b && b !== 0x0c && b !== 0x0d && b !== 0x1b) ||
      b === 0x7f
    ) {
      control++;
    }
  }
  if (n > 0 && control / n > MAX_CONTROL_SHARE) {
    return `${Math.round((100 * control) / n)}% of the first ${formatBytes(n)} are control characters`;
  }
  return undefined;
}

/** Throws 'ingest/binary' (or 'ingest/not-utf8' for UTF-16) when `buf` does not look like text. */
export function assertText(buf: Uint8Array, input: string, opts: { nulPerRecord?: boolean } = {}): void {
  const reason = binaryReason(buf, opts);
  if (reason === 'utf-16') {
    throw new TradewireError('ingest/not-utf8', 'text is UTF-16, not UTF-8', {
      hint: `re-encode it, e.g. iconv -f UTF-16 -t UTF-8 ${input}`,
    });
  }
  if (reason !== undefined) {
    throw new TradewireError('ingest/binary', `binary data, not text (${reason})`, {
      hint: 'Tradewire reads plain text, JSON, JSON Lines and HTML',
    });
  }
}

/**
 * Bytes of one input as text. Rejects empty input ('ingest/empty'), binary data ('ingest/binary')
 * and invalid UTF-8 ('ingest/not-utf8'); strips a leading byte-order mark. `input` names the input
 * in hints only (the caller prefixes messages with it).
 */
export function decodeText(buf: Buffer, input: string): string {
  if (buf.length === 0) throw new TradewireError('ingest/empty', 'input is empty (0 bytes)');
  assertText(buf, input);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch (cause) {
    throw new TradewireError('ingest/not-utf8', `invalid UTF-8 at or after byte ${firstBadUtf8Byte(buf)}`, {
      cause,
      hint: `re-encode it as UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8 ${input}`,
    });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new TradewireError('ingest/empty', 'input contains only whitespace');
  return text;
}

/** Offset of the first byte that cannot start or continue a well-formed UTF-8 sequence (approximate). */
function firstBadUtf8Byte(buf: Uint8Array): number {
  for (let i = 0; i < buf.length; ) {
    const b = buf[i]!;
    const len =
      b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len === 0) return i;
    for (let k = 1; k < len; k++) if (((buf[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += len;
  }
  return buf.length;
}

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const HAS_ZONE =
  /(?:\dZ|\b(?:UTC|GMT|UT|[ECMP][SD]T)|\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*[+-]\d{2}:?\d{2}|\s[+-]\d{4})\s*$/i;

/**
 * A publication date as an ISO 8601 UTC string, or undefined when `text` is not a date.
 * ISO 8601 (date-only means midnight UTC; date-times without a zone are read as UTC),
 * RFC 2822 ("Tue, 26 Nov 2019 10:00:00 GMT") and other forms Date.parse accepts that contain a
 * four-digit year; zone-less ones are read as UTC so results never depend on the machine's zone.
 */
export function parsePublished(text: string): string | undefined {
  const s = text.trim();
  const iso = ISO_DATE.exec(s);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = iso;
    const ms = Number(frac.padEnd(3, '0').slice(0, 3));
    const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), ms);
    const check = new Date(base);
    // Reject rollovers such as 2019-02-30 or 25:00.
    if (
      check.getUTCFullYear() !== Number(y) ||
      check.getUTCMonth() !== Number(mo) - 1 ||
      check.getUTCDate() !== Number(d) ||
      check.getUTCHours() !== Number(h) ||
      check.getUTCMinutes() !== Number(mi) ||
      check.getUTCSeconds() !== Number(sec)
    ) {
      return undefined;
    }
    return new Date(base - zoneOffsetMinutes(zone) * 60_000).toISOString();
  }
  if (!/\b\d{4}\b/.test(s)) return undefined;
  const ms = HAS_ZONE.test(s) ? Date.parse(s) : Date.parse(`${s} UTC`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function zoneOffsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
}

/**
 * One trimmed line, or undefined when blank. With `max`, cut to at most `max` characters at a word
 * boundary (ending in "…"); only a bounded prefix of a huge value is normalised.
 */
function optionalLine(value: string | undefined, max?: number): string | undefined {
  if (value === undefined) return undefined;
  const head = max !== undefined && value.length > 4 * max ? value.slice(0, 4 * max) : value;
  const line = normaliseLine(head);
  if (line === '') return undefined;
  return max === undefined ? line : truncateLine(line, max);
}

export function truncateLine(line: string, max: number): string {
  if (line.length <= max) return line;
  const cut = line.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * An article as ingest stores it: fields trimmed, title and source on one line, body paragraphs
 * joined by "\n\n", `published` as ISO 8601 UTC, `url` in canonical form. Rejects articles with
 * no body text ('ingest/no-text': a title alone is not an article — it would become a story whose
 * summary is its own headline; an HTML page whose main text is empty likewise),
 * bodies over MAX_BODY_BYTES ('ingest/oversize'), unparseable dates ('ingest/bad-date') and
 * non-http(s) URLs ('ingest/bad-record'). `where` names the input in hints only.
 */
export function validateArticle(input: ArticleInput, where: string): ArticleInput {
  const rawBody = input.body ?? '';
  // Normalising cannot shrink text more than whitespace allows; skip the work for hopeless cases.
  if (rawBody.length > 4 * MAX_BODY_BYTES) throw oversize(rawBody.length, where);
  const body = normaliseBody(rawBody);
  const bodyBytes = Buffer.byteLength(body, 'utf8');
  if (bodyBytes > MAX_BODY_BYTES) throw oversize(bodyBytes, where);

  const title = optionalLine(input.title, MAX_TITLE_CHARS);
  if (body === '') {
    throw new TradewireError(
      'ingest/no-text',
      title === undefined
        ? 'no article text: body and title are both empty'
        : 'no article text: the body is empty',
      { hint: 'give each record its text in "body" (or "text"/"content")' },
    );
  }

  let published: string | undefined;
  // A date is short; a long value is not a date, and is not worth normalising.
  const rawDate = optionalLine(input.published?.slice(0, 200));
  if (rawDate !== undefined) {
    published = parsePublished(rawDate);
    if (published === undefined) {
      throw new TradewireError('ingest/bad-date', `published is not a date: "${clip(rawDate, 60)}"`, {
        hint: 'use ISO 8601, e.g. 2019-11-26 or 2019-11-26T14:30:00Z',
      });
    }
  }

  let url: string | undefined;
  if (input.url !== undefined && input.url.length > 4 * MAX_URL_CHARS) throw longUrl(input.url.length);
  const rawUrl = optionalLine(input.url);
  if (rawUrl !== undefined) {
    if (rawUrl.length > MAX_URL_CHARS) throw longUrl(rawUrl.length);
    if (!/^https?:\/\//i.test(rawUrl)) {
      throw new TradewireError('ingest/bad-record', `url must be an http(s) URL, got "${clip(rawUrl, 60)}"`);
    }
    url = canonicalUrl(rawUrl);
  }

  const out: ArticleInput = { body };
  if (url !== undefined) out.url = url;
  const source = optionalLine(input.source, MAX_SOURCE_CHARS);
  if (source !== undefined) out.source = source;
  if (title !== undefined) out.title = title;
  if (published !== undefined) out.published = published;
  return out;
}

function longUrl(chars: number): TradewireError {
  return new TradewireError(
    'ingest/oversize',
    `url is ${chars.toLocaleString('en-US')} characters, over the ${MAX_URL_CHARS.toLocaleString('en-US')} limit`,
  );
}

function oversize(bytes: number, where: string): TradewireError {
  return new TradewireError(
    'ingest/oversize',
    `body is ${formatBytes(bytes)}, over the ${formatBytes(MAX_BODY_BYTES)} limit`,
    { hint: `split ${where} into separate articles or trim it` },
  );
}
