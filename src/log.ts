import pino from 'pino';
import pretty from 'pino-pretty';

/**
 * Structured logs through pino: one JSON line per event on stderr (stdout is reserved for results),
 * or pino-pretty's readable lines on a terminal. Both write synchronously, so the last lines before an
 * exit are never lost (no worker-thread transport).
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFormat = 'json' | 'pretty';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `bindings` (queue, job, delivery, channel ids…) to every line. */
  child(bindings: LogFields): Logger;
}

export interface LoggerOptions {
  /** Default: pretty when `out` is a terminal, JSON otherwise. */
  format?: LogFormat | undefined;
  /** Default: process.stderr. */
  out?: NodeJS.WritableStream;
}

/** JSON on a pipe or file, readable text on a terminal, unless the caller (TRADEWIRE_LOG_FORMAT) says. */
export function chooseLogFormat(requested: LogFormat | undefined, out: NodeJS.WritableStream): LogFormat {
  return requested ?? ((out as { isTTY?: boolean }).isTTY ? 'pretty' : 'json');
}

export function createLogger(level: LogLevel, opts: LoggerOptions = {}): Logger {
  const out = opts.out ?? process.stderr;
  const format = chooseLogFormat(opts.format, out);
  const destination =
    format === 'pretty'
      ? pretty({
          destination: out === process.stderr ? 2 : out,
          sync: true,
          colorize: (out as { isTTY?: boolean }).isTTY === true,
          ignore: 'pid,hostname',
          translateTime: 'SYS:HH:MM:ss.l',
          singleLine: true,
        })
      : out === process.stderr
        ? pino.destination({ dest: 2, sync: true })
        : out;
  const root: pino.Logger = pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: (e: unknown) => serializeError(e, root.isLevelEnabled('debug')) },
    },
    destination,
  );
  return wrap(root);
}

function wrap(p: pino.Logger): Logger {
  return {
    debug: (msg, fields) => p.debug(fields ?? {}, msg),
    info: (msg, fields) => p.info(fields ?? {}, msg),
    warn: (msg, fields) => p.warn(fields ?? {}, msg),
    error: (msg, fields) => p.error(fields ?? {}, msg),
    child: (bindings) => wrap(p.child(bindings)),
  };
}

/**
 * An `err` field that is an Error logs its message and code (TradewireError, Node's ECONNREFUSED…);
 * its type, stack and cause only at debug level, where someone is looking for them.
 */
export function serializeError(e: unknown, withStack: boolean): unknown {
  if (!(e instanceof Error)) return e;
  const out: Record<string, unknown> = { message: e.message };
  const extra = e as Error & { code?: unknown };
  if (typeof extra.code === 'string' || typeof extra.code === 'number') out.code = extra.code;
  if (withStack) {
    out.type = e.name;
    out.stack = e.stack;
    if (e.cause !== undefined) out.cause = serializeError(e.cause, true);
  }
  return out;
}

const noop = () => {};
/** Logs nothing: for tests and benchmarks. */
export const silentLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};

/** The level names chat libraries use (@slack/logger's `LogLevel` enum has exactly these values). */
export type LibraryLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The logger shape Bolt (@slack/logger's `Logger`) and similar libraries accept. */
export interface LibraryLogger<Level extends LibraryLogLevel = LibraryLogLevel> {
  debug(...msgs: unknown[]): void;
  info(...msgs: unknown[]): void;
  warn(...msgs: unknown[]): void;
  error(...msgs: unknown[]): void;
  setLevel(level: Level): void;
  getLevel(): Level;
  setName(name: string): void;
}

const LIBRARY_ORDER: Record<LibraryLogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Adapts our Logger to a library's `{debug,info,warn,error}(...msgs)` + `setLevel/getLevel/setName`
 * logger, so its lines land in the same stream with a `lib` field. The library's level only narrows
 * what it passes on (our own level still applies); an Error argument goes out as `err`.
 * `Level` lets a caller name the library's own enum type (e.g. `libraryLogger<SlackLogLevel>(log, 'slack')`).
 */
export function libraryLogger<Level extends LibraryLogLevel = LibraryLogLevel>(
  log: Logger,
  name: string,
  level: Level = 'info' as Level,
): LibraryLogger<Level> {
  let current: Level = level;
  let target = log.child({ lib: name });
  const emit = (at: LibraryLogLevel, msgs: unknown[]) => {
    if (LIBRARY_ORDER[at] < LIBRARY_ORDER[current]) return;
    const err = msgs.find((m): m is Error => m instanceof Error);
    const text = msgs
      .filter((m) => m !== err)
      .map((m) => (typeof m === 'string' ? m : safeJson(m)))
      .join(' ');
    target[at](text || err?.message || '', err ? { err } : undefined);
  };
  return {
    debug: (...msgs) => emit('debug', msgs),
    info: (...msgs) => emit('info', msgs),
    warn: (...msgs) => emit('warn', msgs),
    error: (...msgs) => emit('error', msgs),
    setLevel: (l) => {
      current = l;
    },
    getLevel: () => current,
    setName: (n) => {
      target = log.child({ lib: n });
    },
  };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
