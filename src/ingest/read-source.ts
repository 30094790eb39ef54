import type { ArticleInput } from '../domain.ts';
import { TradewireError } from '../errors.ts';
import {
  type ByteLine,
  fromBuffers,
  peekFirstByte,
  readAll,
  splitLines,
  TooLargeError,
} from './byte-stream.ts';
import { clip, formatBytes } from './normalise.ts';
import { parseHtml } from './parse-html.ts';
import { type JsonItem, parseJson, parseJsonDocument, toArticleInput } from './parse-jsonl.ts';
import { parseSeedText } from './parse-seed.ts';
import { assertText, decodeText, MAX_BODY_BYTES, validateArticle } from './validate.ts';

/** One parsed article or one rejection; `input` names where it came from (`a.jsonl:17`, `b.json:#3`). */
export type InputRecord = { input: string; record: ArticleInput } | { input: string; error: TradewireError };

export type Kind = 'text' | 'jsonl' | 'json' | 'html';

/** JSON Lines is streamed and only one line is held at a time; other formats are read whole. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
export const LIMITS: Readonly<
  Record<Exclude<Kind, 'jsonl'>, { limit: number; what: string; hint?: string }>
> = {
  text: {
    limit: 4 * MAX_BODY_BYTES,
    what: 'text file',
    hint: `an article body may be at most ${formatBytes(MAX_BODY_BYTES)}`,
  },
  html: { limit: 32 * 1024 * 1024, what: 'HTML page' },
  json: {
    limit: 256 * 1024 * 1024,
    what: 'JSON file',
    hint: 'use JSON Lines (.jsonl), which is read line by line',
  },
};

/** 'ingest/oversize' for a whole input; `bytes` undefined when reading stopped at the limit. */
export function tooLarge(kind: Exclude<Kind, 'jsonl'>, bytes: number | undefined): TradewireError {
  const { limit, what, hint } = LIMITS[kind];
  const size = bytes === undefined ? '' : ` ${formatBytes(bytes)},`;
  const message = `${what} is${size} over the ${formatBytes(limit)} limit`;
  return new TradewireError('ingest/oversize', message, hint === undefined ? {} : { hint });
}

/**
 * Runs one parse. Any failure rejects that record only: a TradewireError as it is, anything else
 * (a RangeError from a pathologically nested value, a parser bug) as 'ingest/bad-record' naming it,
 * so one hostile record can never abort the rest of an import.
 */
function attempt(input: string, parse: () => ArticleInput): InputRecord {
  try {
    return { input, record: validateArticle(parse(), input) };
  } catch (err) {
    return { input, error: asRecordError(err) };
  }
}

export function asRecordError(err: unknown): TradewireError {
  if (err instanceof TradewireError) return err;
  const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new TradewireError('ingest/bad-record', `record could not be read (${clip(what, 100)})`, {
    cause: err,
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function lineText(bytes: Buffer): string {
  if (bytes.includes(0)) {
    throw new TradewireError('ingest/binary', 'line contains NUL bytes', {
      hint: 'each JSON Lines record is judged on its own; the other lines are read',
    });
  }
  try {
    return utf8.decode(bytes);
  } catch (cause) {
    throw new TradewireError('ingest/not-utf8', 'line is not valid UTF-8', { cause });
  }
}

function isBlank(line: ByteLine): boolean {
  return 'bytes' in line && line.bytes.every((b) => b === 0x20 || b === 0x09 || b === 0x0d);
}

/** JSON Lines records: one per non-blank line (`input:17`, 1-based), each rejected on its own. */
async function* jsonlRecords(input: string, lines: AsyncIterable<ByteLine>): AsyncGenerator<InputRecord> {
  let seen = 0;
  for await (const line of lines) {
    if (isBlank(line)) continue;
    seen++;
    const name = `${input}:${line.lineNo}`;
    if ('tooLong' in line) {
      const message = `line is ${formatBytes(line.tooLong)}, over the ${formatBytes(MAX_LINE_BYTES)} limit`;
      yield { input: name, error: new TradewireError('ingest/oversize', message) };
    } else {
      // A byte-order mark may start the first line; JSON.parse would choke on it.
      yield attempt(name, () => toArticleInput(parseJson(lineText(line.bytes).replace(/^\uFEFF/, ''))));
    }
  }
  if (seen === 0) yield { input, error: new TradewireError('ingest/empty', 'no records: only blank lines') };
}

/** Records of a whole .json document: `input` for a single record, `input:#3` (1-based) in an array. */
function* jsonDocumentRecords(input: string, items: JsonItem[]): Generator<InputRecord> {
  if (items.length === 0) {
    yield { input, error: new TradewireError('ingest/empty', 'no records: the JSON array is empty') };
  }
  for (const item of items) {
    const name = item.index === undefined ? input : `${input}:#${item.index}`;
    yield attempt(name, () => toArticleInput(item.value));
  }
}

/** Whether the first non-blank line of `text` is a JSON object by itself (JSON Lines, not one document). */
function startsLikeJsonLines(text: string): boolean {
  const first = text.split('\n', 50).find((line) => line.trim() !== '');
  if (first === undefined) return false;
  try {
    const value: unknown = JSON.parse(first.replace(/^\uFEFF/, ''));
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * A whole JSON text as records. When it is not one JSON document but JSON Lines (a common naming
 * slip for `.json` files), it is read line by line instead: always when `linesFallback`, else
 * only when its first line is a JSON object by itself.
 */
async function* jsonTextRecords(
  input: string,
  buf: Buffer,
  linesFallback = false,
): AsyncGenerator<InputRecord> {
  const text = decodeText(buf, input);
  let items: JsonItem[];
  try {
    items = parseJsonDocument(text);
  } catch (err) {
    if (!(err instanceof TradewireError) || err.code !== 'ingest/bad-json') throw err;
    if (!linesFallback && !startsLikeJsonLines(text)) throw err;
    yield* jsonlRecords(input, splitLines(fromBuffers([buf]), MAX_LINE_BYTES));
    return;
  }
  yield* jsonDocumentRecords(input, items);
}

/** The first chunk (for the binary check) and a stream that still starts with it. */
async function firstChunk(
  source: AsyncIterable<Buffer>,
): Promise<{ chunk: Buffer; stream: AsyncIterable<Buffer> }> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return { chunk: Buffer.alloc(0), stream: fromBuffers([]) };
  const stream = async function* (): AsyncGenerator<Buffer> {
    yield first.value;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  };
  return { chunk: first.value, stream: stream() };
}

async function* concatLines<T>(...parts: (Iterable<T> | AsyncIterable<T>)[]): AsyncGenerator<T> {
  for (const part of parts) yield* part;
}

/**
 * Unnamed input starting with `{`: JSON Lines when its first non-blank line is JSON by itself
 * (then streamed); otherwise one JSON document (a pretty-printed object). If that is not JSON
 * either, the lines are reported one by one as JSON Lines so each bad line is named.
 */
async function* objectStream(input: string, lines: AsyncIterator<ByteLine>): AsyncGenerator<InputRecord> {
  const held: ByteLine[] = [];
  let isJsonLines = false;
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    held.push(next.value);
    if (isBlank(next.value)) continue;
    if ('bytes' in next.value) {
      try {
        isJsonLines = typeof parseJson(next.value.bytes.toString('utf8').replace(/^\uFEFF/, '')) === 'object';
      } catch {
        // Not JSON by itself: a pretty-printed document, or JSON Lines with a bad first line.
      }
    }
    break;
  }
  const rest: AsyncIterable<ByteLine> = { [Symbol.asyncIterator]: () => lines };
  if (isJsonLines) {
    yield* jsonlRecords(input, concatLines(held, rest));
    return;
  }
  let size = 0;
  for await (const line of rest) {
    held.push(line);
    size += 'bytes' in line ? line.bytes.length + 1 : line.tooLong;
    if (size > LIMITS.json.limit) throw tooLarge('json', undefined);
  }
  const parts = held.flatMap((l) => ('bytes' in l ? [l.bytes, Buffer.from('\n')] : []));
  if (held.some((l) => 'tooLong' in l)) yield* jsonlRecords(input, concatLines(held));
  else yield* jsonTextRecords(input, Buffer.concat(parts), true);
}

/**
 * The records of one source. `kind` undefined means sniff the content (stdin, pipes): `{` is JSON
 * Lines or one JSON object, `[` a JSON array, `<` HTML, anything else seed or plain text.
 * Whole-source failures (binary, not UTF-8, oversize, bad JSON) are thrown as TradewireError.
 */
export async function* readSource(
  input: string,
  bytes: AsyncIterable<Buffer>,
  kind: Kind | undefined,
): AsyncGenerator<InputRecord> {
  let source = bytes;
  let resolved = kind;
  let sniffedObject = false;
  if (resolved === undefined) {
    const peeked = await peekFirstByte(source);
    source = peeked.stream;
    if (peeked.first === undefined) throw new TradewireError('ingest/empty', 'input is empty or blank');
    sniffedObject = peeked.first === 0x7b; // `{`
    resolved = sniffedObject
      ? 'jsonl'
      : peeked.first === 0x5b
        ? 'json'
        : peeked.first === 0x3c
          ? 'html'
          : 'text';
  }
  if (resolved === 'jsonl') {
    const { chunk, stream } = await firstChunk(source);
    if (chunk.length === 0) throw new TradewireError('ingest/empty', 'input is empty (0 bytes)');
    assertText(chunk, input, { nulPerRecord: true });
    const lines = splitLines(stream, MAX_LINE_BYTES);
    yield* sniffedObject ? objectStream(input, lines) : jsonlRecords(input, lines);
    return;
  }
  let buf: Buffer;
  try {
    buf = await readAll(source, LIMITS[resolved].limit);
  } catch (err) {
    if (err instanceof TooLargeError) throw tooLarge(resolved, undefined);
    throw err;
  }
  if (resolved === 'json') {
    yield* jsonTextRecords(input, buf);
    return;
  }
  const text = decodeText(buf, input);
  const parse = resolved === 'html' ? parseHtml : parseSeedText;
  yield attempt(input, () => parse(text));
}
