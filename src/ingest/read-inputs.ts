import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
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
}

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
  | { input: string; path: string | undefined; size: number | undefined; kind: Kind | undefined }
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
      } else if (!inDirectory) {
        // A pipe or device named explicitly (e.g. `<(curl …)`): size unknown, sniffed when it has no extension.
        out.push({ input: path, path, size: undefined, kind: ext === '' ? undefined : kind });
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
    const { input, path, size, kind } = item;
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
    const raw = path === undefined ? (opts.stdin ?? process.stdin) : createReadStream(path);
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
