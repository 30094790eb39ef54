import { closeSync, constants, createReadStream, openSync } from 'node:fs';
import { type FileHandle, open, readdir, realpath, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { TradewireError } from '../errors.ts';
import { type InputRecord, type Kind, LIMITS, readSource, tooLarge } from './read-source.ts';

export type { InputRecord } from './read-source.ts';

export interface ReadInputsOptions {
  /** Read for the path `-` (default: process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /**
   * Bytes read so far and bytes expected, after every chunk read. Sources of unknown size
   * (stdin, pipes) add to the total as they are read.
   */
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /** How long to wait for a writer on a named pipe (FIFO) before rejecting it (default 10 s). */
  openTimeoutMs?: number;
}

export const DEFAULT_OPEN_TIMEOUT_MS = 10_000;

const KIND_BY_EXTENSION: Readonly<Record<string, Kind>> = {
  '': 'text',
  '.txt': 'text',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
  '.html': 'html',
  '.htm': 'html',
};

/** How stdin is named in `input` (`stdin`, `stdin:17`). */
export const STDIN_INPUT = 'stdin';

/** A source to read (`path` undefined: stdin; `kind` undefined: sniff the content) or an early rejection. */
type Planned =
  | {
      input: string;
      path: string | undefined;
      size: number | undefined;
      kind: Kind | undefined;
      fifo?: boolean;
    }
  | { input: string; error: TradewireError };

const IO_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ELOOP: 'too many levels of symbolic links',
  ENOTDIR: 'a parent of this path is not a directory',
};

function ioError(err: unknown): TradewireError {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  const reason = IO_REASONS[code] ?? `cannot read: ${err instanceof Error ? err.message : String(err)}`;
  return new TradewireError('ingest/unreadable', reason, { cause: err });
}

function isIoError(err: unknown): boolean {
  return err instanceof Error && 'code' in err && 'syscall' in err;
}

/**
 * Sources in order: paths as given; directories walked recursively, entries sorted by name
 * (code-point order), hidden entries (".name") skipped, symlink cycles cut. Files with an unknown
 * extension are rejected ('ingest/unsupported'), including those found in directories.
 */
async function plan(paths: string[]): Promise<Planned[]> {
  const out: Planned[] = [];
  const visit = async (path: string, walked: Set<string>, inDirectory: boolean): Promise<void> => {
    try {
      const info = await stat(path);
      if (info.isDirectory()) {
        const real = await realpath(path);
        if (walked.has(real)) return;
        walked.add(real);
        const names = (await readdir(path)).filter((name) => !name.startsWith('.'));
        names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        for (const name of names) await visit(join(path, name), walked, true);
        walked.delete(real);
        return;
      }
      const ext = extname(path).toLowerCase();
      const kind = KIND_BY_EXTENSION[ext];
      if (kind === undefined) {
        const error = new TradewireError('ingest/unsupported', `unsupported file type "${ext}"`, {
          hint: 'use .txt (or no extension), .jsonl/.ndjson, .json or .html/.htm',
        });
        out.push({ input: path, error });
      } else if (info.isFile()) {
        out.push({ input: path, path, size: info.size, kind });
      } else if (info.isCharacterDevice() || info.isBlockDevice() || info.isSocket()) {
        // /dev/zero, /dev/urandom, a disk or a socket never end, or are not articles.
        const what = info.isSocket() ? 'a socket' : 'a device';
        const hint = 'pipe its output instead, e.g. `cat file | tradewire ingest -`';
        out.push({ input: path, error: new TradewireError('ingest/unsupported', `is ${what}`, { hint }) });
      } else if (!inDirectory && info.isFIFO()) {
        // A pipe named explicitly (e.g. `<(curl …)`): size unknown, sniffed when it has no extension.
        out.push({ input: path, path, size: undefined, kind: ext === '' ? undefined : kind, fifo: true });
      }
    } catch (err) {
      out.push({ input: path, error: ioError(err) });
    }
  };
  for (const path of paths) {
    if (path === '-') out.push({ input: STDIN_INPUT, path: undefined, size: undefined, kind: undefined });
    else await visit(path, new Set(), false);
  }
  return out;
}

class Progress {
  private done = 0;
  private total: number;
  private readonly report: ReadInputsOptions['onProgress'];

  constructor(total: number, report: ReadInputsOptions['onProgress']) {
    this.total = total;
    this.report = report;
  }

  /** `bytes` read; `unknownSize` when they were not counted in the total up front. */
  advance(bytes: number, unknownSize: boolean): void {
    if (bytes === 0) return;
    this.done += bytes;
    if (unknownSize) this.total += bytes;
    this.report?.(this.done, Math.max(this.total, this.done));
  }
}

async function* counted(
  source: AsyncIterable<Buffer | string>,
  progress: Progress,
  unknownSize: boolean,
): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    progress.advance(buf.length, unknownSize);
    yield buf;
  }
}

/**
 * Articles from files, directories and stdin (`-`), in order: paths in the order given, records
 * in file order. Dispatch by extension: `.txt` or none → seed/plain text, `.jsonl`/`.ndjson` →
 * JSON Lines (streamed line by line, so memory stays flat however large the file), `.json` →
 * one record or an array, `.html`/`.htm` → main text of the page. Stdin and pipes are sniffed.
 *
 * Nothing is thrown for bad input: every problem is a `{ input, error }` item, per record where
 * the format has records (`a.jsonl:17`, `b.json:#3`), otherwise per file; the rest carries on.
 * Records are validated and normalised (validateArticle); storing them is the caller's job.
 */
export async function* readInputs(
  paths: string[],
  opts: ReadInputsOptions = {},
): AsyncGenerator<InputRecord> {
  const planned = await plan(paths);
  let knownTotal = 0;
  for (const item of planned) if ('size' in item && item.size !== undefined) knownTotal += item.size;
  const progress = new Progress(knownTotal, opts.onProgress);

  for (const item of planned) {
    if ('error' in item) {
      yield item;
      continue;
    }
    const { input, path, size, kind, fifo } = item;
    if (size !== undefined && kind !== undefined && kind !== 'jsonl' && size > LIMITS[kind].limit) {
      progress.advance(size, false); // skipped unread: count it as done
      yield { input, error: tooLarge(kind, size) };
      continue;
    }
    if (size === 0) {
      yield { input, error: new TradewireError('ingest/empty', 'file is empty (0 bytes)') };
      continue;
    }
    let read = 0;
    let handle: FileHandle | undefined;
    if (fifo && path !== undefined) {
      try {
        handle = await openFifo(path, opts.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS);
      } catch (err) {
        yield { input, error: err instanceof TradewireError ? err : ioError(err) };
        continue;
      }
    }
    const raw =
      path === undefined
        ? (opts.stdin ?? process.stdin)
        : handle !== undefined
          ? handle.createReadStream()
          : createReadStream(path);
    const bytes = counted(raw as AsyncIterable<Buffer | string>, progress, size === undefined);
    const tracked = async function* (): AsyncGenerator<Buffer> {
      for await (const chunk of bytes) {
        read += chunk.length;
        yield chunk;
      }
    };
    try {
      yield* readSource(input, tracked(), kind);
    } catch (err) {
      if (err instanceof TradewireError) yield { input, error: err };
      else if (isIoError(err)) yield { input, error: ioError(err) };
      else throw err;
    } finally {
      // Whatever was not read (a source abandoned early) still counts as handled.
      if (path !== undefined && 'destroy' in raw && typeof raw.destroy === 'function') raw.destroy();
      if (size !== undefined && read < size) progress.advance(size - read, false);
    }
  }
}

/**
 * Opens a named pipe for reading, waiting at most `timeoutMs` for a writer. Opening a FIFO blocks
 * (in a libuv thread) until someone opens it for writing; on time-out we open it for writing
 * ourselves, which releases that thread, then close both ends and reject the input.
 */
async function openFifo(path: string, timeoutMs: number): Promise<FileHandle> {
  const opening = open(path, 'r');
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const first = await Promise.race([opening, timedOut]).finally(() => clearTimeout(timer));
  if (first !== 'timeout') return first;
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    // The writer end could not be opened (the reader gave up already): the open below settles anyway.
  }
  await (await opening.catch(() => undefined))?.close();
  throw new TradewireError(
    'ingest/unreadable',
    `named pipe: no writer within ${Math.round(timeoutMs / 1000)} s`,
    { hint: 'start the program that writes to it first, or pipe it to `tradewire ingest -`' },
  );
}
