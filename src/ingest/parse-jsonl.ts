import type { ArticleInput } from '../domain.ts';
import { TradewireError } from '../errors.ts';
import { clip } from './normalise.ts';

/**
 * JSON and JSON Lines article records. Canonical fields are `{ url?, source?, title?, published?, body }`;
 * common aliases are accepted (the first field present, in the order listed, wins):
 */
const FIELDS = {
  url: ['url', 'link'],
  source: ['source'],
  title: ['title', 'headline'],
  published: ['published', 'date', 'published_at', 'publishedAt', 'datePublished', 'pubDate'],
  body: ['body', 'text', 'content'],
} as const satisfies Record<keyof ArticleInput, readonly string[]>;

/** Keys of a wrapper object whose array holds the records, e.g. `{ "articles": [...] }` (NewsAPI). */
const WRAPPER_KEYS = ['articles', 'items', 'records'] as const;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/** The first alias present (not null/undefined) and its key. */
function pick(record: JsonObject, keys: readonly string[]): [string, unknown] | undefined {
  for (const key of keys) {
    const value = record[key];
    if (value !== undefined && value !== null) return [key, value];
  }
  return undefined;
}

function stringField(record: JsonObject, keys: readonly string[]): string | undefined {
  const found = pick(record, keys);
  if (found === undefined) return undefined;
  const [key, value] = found;
  if (typeof value === 'string') return value;
  throw new TradewireError('ingest/bad-record', `field "${key}" must be a string, got ${kind(value)}`);
}

/** Numbers are Unix time: seconds below 1e11 (until year 5138), else milliseconds. */
function publishedField(record: JsonObject): string | undefined {
  const found = pick(record, FIELDS.published);
  if (found === undefined) return undefined;
  const [key, value] = found;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) {
    const ms = Math.abs(value) < 1e11 ? value * 1000 : value;
    const date = new Date(ms);
    if (!Number.isNaN(date.getTime())) return date.toISOString();
  }
  throw new TradewireError(
    'ingest/bad-date',
    `field "${key}" is not a date: ${typeof value === 'number' ? String(value) : `got ${kind(value)}`}`,
  );
}

/** `source` may be a name or an object with a `name` (NewsAPI: `{ id, name }`). */
function sourceField(record: JsonObject): string | undefined {
  const value = record.source;
  if (isObject(value) && typeof value.name === 'string') return value.name;
  return stringField(record, FIELDS.source);
}

/** The body may be a string or an array of paragraph strings. */
function bodyField(record: JsonObject): string {
  const found = pick(record, FIELDS.body);
  if (found === undefined) return '';
  const [key, value] = found;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((p) => typeof p === 'string')) return value.join('\n\n');
  throw new TradewireError('ingest/bad-record', `field "${key}" must be a string, got ${kind(value)}`);
}

const KNOWN_KEYS: ReadonlySet<string> = new Set(Object.values(FIELDS).flat());

/**
 * One decoded JSON value as an article (fields not yet normalised; see validateArticle).
 * Reuters-21578 style records (`id, date, title, dateline, body, topics, places`) map directly;
 * extra fields are ignored and `source` stays undefined unless given.
 * Throws 'ingest/bad-record' for non-objects, objects with no article fields and wrongly typed fields.
 */
export function toArticleInput(value: unknown): ArticleInput {
  if (!isObject(value)) {
    throw new TradewireError('ingest/bad-record', `record must be a JSON object, got ${kind(value)}`);
  }
  if (!Object.keys(value).some((key) => KNOWN_KEYS.has(key))) {
    const keys = Object.keys(value);
    throw new TradewireError(
      'ingest/bad-record',
      `record has no article fields (body/text/content, title/headline); has: ${clip(keys.join(', ') || 'no fields', 60)}`,
    );
  }
  const out: ArticleInput = { body: bodyField(value) };
  const url = stringField(value, FIELDS.url);
  if (url !== undefined) out.url = url;
  const source = sourceField(value);
  if (source !== undefined) out.source = source;
  const title = stringField(value, FIELDS.title);
  if (title !== undefined) out.title = title;
  const published = publishedField(value);
  if (published !== undefined) out.published = published;
  return out;
}

/** Parsed JSON, or 'ingest/bad-json' naming the parser's complaint. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new TradewireError('ingest/bad-json', `invalid JSON: ${clip(reason, 100)}`, { cause });
  }
}

/** One JSON Lines line as an article ('ingest/bad-json' when it is not JSON). */
export function parseJsonLine(line: string): ArticleInput {
  return toArticleInput(parseJson(line));
}

/** One record of a .json document: `index` is 1-based for arrays, undefined for a single record. */
export interface JsonItem {
  index: number | undefined;
  value: unknown;
}

/**
 * The records of a whole .json document: a single record, an array of records, or a wrapper
 * object holding the array under `articles`, `items` or `records`. Throws 'ingest/bad-json' when
 * the text is not JSON and 'ingest/bad-record' for a scalar at the top level. Records are not yet
 * checked: map each with toArticleInput so that one bad record rejects only itself.
 */
export function parseJsonDocument(text: string): JsonItem[] {
  const doc = parseJson(text);
  let list: unknown = doc;
  if (isObject(doc) && !Object.keys(doc).some((key) => KNOWN_KEYS.has(key))) {
    const wrapper = WRAPPER_KEYS.find((key) => Array.isArray(doc[key]));
    if (wrapper !== undefined) list = doc[wrapper];
  }
  if (Array.isArray(list)) return list.map((value, i) => ({ index: i + 1, value }));
  if (isObject(list)) return [{ index: undefined, value: list }];
  throw new TradewireError(
    'ingest/bad-record',
    `expected a JSON object or an array of objects, got ${kind(list)}`,
  );
}
