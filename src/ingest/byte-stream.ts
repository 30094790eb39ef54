/**
 * Byte-level stream helpers for ingest: split a byte stream into lines without decoding it
 * (so each line can be checked as UTF-8 on its own), peek at the first significant byte,
 * and collect a whole stream under a size limit. Memory stays bounded by one line or one limit.
 */

const NEWLINE = 0x0a;

/** One line of a byte stream, 1-based; `bytes` omitted when the line was longer than the limit. */
export type ByteLine = { lineNo: number; bytes: Buffer } | { lineNo: number; tooLong: number };

/**
 * Lines of a byte stream (LF or CRLF; the terminator is dropped). A final line without a newline
 * is still a line. Lines longer than `maxLineBytes` are not buffered: they come back as
 * `{ tooLong: <bytes> }` so one runaway line cannot exhaust memory.
 */
export async function* splitLines(
  source: AsyncIterable<Buffer>,
  maxLineBytes: number,
): AsyncGenerator<ByteLine> {
  let parts: Buffer[] = [];
  let length = 0;
  let tooLong = false;
  let lineNo = 0;
  const take = (): ByteLine => {
    lineNo++;
    let line: ByteLine;
    if (tooLong) line = { lineNo, tooLong: length };
    else {
      let bytes = parts.length === 1 ? Buffer.from(parts[0]!) : Buffer.concat(parts, length);
      if (bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
      line = { lineNo, bytes };
    }
    parts = [];
    length = 0;
    tooLong = false;
    return line;
  };
  for await (const chunk of source) {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      const end = nl === -1 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      length += piece.length;
      if (!tooLong) {
        if (length > maxLineBytes) {
          tooLong = true;
          parts = [];
        } else if (piece.length > 0) parts.push(piece);
      }
      if (nl === -1) break;
      yield take();
      start = nl + 1;
    }
  }
  if (length > 0) yield take();
}

/** A byte that may precede the content: ASCII whitespace or part of a UTF-8 byte-order mark. */
function isLeadingNoise(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0xef || b === 0xbb || b === 0xbf;
}

/**
 * The first byte that is not whitespace or a byte-order mark (undefined for an empty or blank
 * stream), plus a stream that replays everything, including the bytes read to find it.
 */
export async function peekFirstByte(
  source: AsyncIterable<Buffer>,
): Promise<{ first: number | undefined; stream: AsyncIterable<Buffer> }> {
  const it = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let first: number | undefined;
  while (first === undefined) {
    const next = await it.next();
    if (next.done) break;
    head.push(next.value);
    first = next.value.find((b) => !isLeadingNoise(b));
  }
  const stream: AsyncIterable<Buffer> = {
    async *[Symbol.asyncIterator]() {
      yield* head;
      for (;;) {
        const next = await it.next();
        if (next.done) return;
        yield next.value;
      }
    },
  };
  return { first, stream };
}

/** Raised by readAll when a stream exceeds its limit; carries the bytes seen so far. */
export class TooLargeError extends Error {
  readonly bytesSeen: number;
  constructor(bytesSeen: number) {
    super(`more than the limit (${bytesSeen} bytes seen)`);
    this.name = 'TooLargeError';
    this.bytesSeen = bytesSeen;
  }
}

/** A whole stream as one buffer; throws TooLargeError (and stops reading) past `limit` bytes. */
export async function readAll(source: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of source) {
    length += chunk.length;
    if (length > limit) throw new TooLargeError(length);
    parts.push(chunk);
  }
  return Buffer.concat(parts, length);
}

/** A stream of the given buffers (to replay lines already read). */
export async function* fromBuffers(buffers: Iterable<Buffer>): AsyncGenerator<Buffer> {
  for (const buf of buffers) yield buf;
}
