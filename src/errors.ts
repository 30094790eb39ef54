/**
 * Coded errors: callers, logs and metrics branch on `code`, never on message text.
 * `retryable` tells the queue whether another attempt can help.
 */
export type ErrorCode =
  | 'config/invalid'
  | 'ingest/empty'
  | 'ingest/binary'
  | 'ingest/not-utf8'
  | 'ingest/no-text'
  | 'ingest/oversize'
  | 'ingest/bad-json'
  | 'ingest/bad-record'
  | 'ingest/bad-date'
  | 'ingest/unreadable'
  | 'ingest/unsupported'
  | 'ingest/too-complex'
  | 'llm/timeout'
  | 'llm/rate-limited'
  | 'llm/server'
  | 'llm/bad-output'
  | 'llm/refused'
  | 'llm/unavailable'
  | 'llm/circuit-open'
  | 'summarise/in-progress'
  | 'delivery/in-progress'
  | 'query/parse'
  | 'watch/limit'
  | 'watch/not-found'
  | 'schedule/invalid'
  | 'redis/missing-binary'
  | 'redis/start-failed'
  | 'platform/unknown-channel'
  | 'platform/not-configured'
  | 'chat/unknown-verb'
  | 'chat/failed'
  | 'ask/empty'
  | 'platform/rate-limited'
  | 'platform/rejected'
  | 'platform/unavailable'
  | 'store/not-found'
  | 'cli/usage'
  | 'fetch/bad-url'
  | 'fetch/blocked'
  | 'fetch/timeout'
  | 'fetch/too-large'
  | 'fetch/redirects'
  | 'fetch/http'
  | 'fetch/network'
  | 'feed/parse'
  | 'feed/not-found'
  | 'feed/invalid'
  | 'store/bad-query'
  | 'store/contention'
  | 'store/unavailable';

export class TradewireError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** Shown to users after the message: what to do about it. */
  readonly hint: string | undefined;
  /** For rate limits: how long the other side asked us to wait. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { retryable?: boolean; hint?: string; cause?: unknown; retryAfterMs?: number } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'TradewireError';
    this.code = code;
    this.retryable = opts.retryable ?? false;
    this.hint = opts.hint;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

export function isTradewireError(err: unknown, code?: ErrorCode): err is TradewireError {
  return err instanceof TradewireError && (code === undefined || err.code === code);
}

/** One line for a human: message plus what to do. */
export function describeError(err: unknown): string {
  if (err instanceof TradewireError) return err.hint ? `${err.message} — ${err.hint}` : err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
