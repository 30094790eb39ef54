import type { ArticleInput } from '../domain.ts';
import { type ErrorCode, TradewireError } from '../errors.ts';
import { parseJson, parseJsonDocument, toArticleInput } from '../ingest/parse-jsonl.ts';
import { validateArticle } from '../ingest/validate.ts';

/** One rejected record of an ingest API request, with the field at fault where one is. */
export interface RecordError {
  /** 0-based position of the record in the request (array element or JSONL line). */
  index: number;
  input: string;
  code: ErrorCode;
  field: string | null;
  message: string;
}

export interface ParsedBatch {
  records: Array<{ index: number; input: string; record: ArticleInput }>;
  errors: RecordError[];
}

function fieldOf(err: TradewireError): string | null {
  const named = /field "(\w+)"/.exec(err.message)?.[1];
  if (named) return named;
  if (err.code === 'ingest/bad-date') return 'published';
  if (err.code === 'ingest/no-text' || err.code === 'ingest/oversize') return 'body';
  if (err.code === 'ingest/bad-record' && err.message.startsWith('url ')) return 'url';
  return null;
}

function check(index: number, input: string, value: unknown, out: ParsedBatch): void {
  try {
    out.records.push({ index, input, record: validateArticle(toArticleInput(value), input) });
  } catch (err) {
    if (!(err instanceof TradewireError)) throw err;
    out.errors.push({ index, input, code: err.code, field: fieldOf(err), message: err.message });
  }
}

/**
 * The records of a request body: a JSON object, a JSON array of objects (or `{ "articles": [...] }`),
 * or JSON Lines. Every record is checked as file ingest checks it; a bad one is reported, not stored.
 * Throws 'ingest/bad-json' when the body is neither JSON nor JSON Lines.
 */
export function parseBatch(text: string, contentType: string): ParsedBatch {
  const out: ParsedBatch = { records: [], errors: [] };
  const trimmed = text.trimStart();
  const jsonl = /ndjson|jsonl|json-seq|jsonlines/i.test(contentType);
  if (!jsonl) {
    let items: ReturnType<typeof parseJsonDocument> | null = null;
    try {
      items = parseJsonDocument(text);
    } catch (err) {
      // A body of several objects on their own lines is JSON Lines sent as application/json.
      if (!(err instanceof TradewireError) || !trimmed.startsWith('{') || !trimmed.includes('\n')) throw err;
    }
    if (items !== null) {
      for (const [i, item] of items.entries()) check(i, `record ${i}`, item.value, out);
      return out;
    }
  }
  const lines = text.split('\n');
  let index = 0;
  for (const [n, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const input = `line ${n + 1}`;
    try {
      check(index, input, parseJson(line), out);
    } catch (err) {
      if (!(err instanceof TradewireError)) throw err;
      out.errors.push({ index, input, code: err.code, field: null, message: err.message });
    }
    index++;
  }
  return out;
}
