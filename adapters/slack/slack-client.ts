import { LogLevel, webApi } from '@slack/bolt';
import { TradewireError } from '../../src/errors.ts';
import { type Logger, libraryLogger } from '../../src/log.ts';
import type { SlackSettings } from './slack-settings.ts';

type WebClientOptions = webApi.WebClientOptions;

/** Bolt's and the Web API's logger, writing into our log stream tagged `lib=slack`. */
export function slackLogger(log: Logger): NonNullable<WebClientOptions['logger']> {
  return libraryLogger<LogLevel>(log, 'slack', LogLevel.INFO);
}

/**
 * Web API client options: our base URL, a short retry policy for network errors and 5xx (never the
 * SDK's 30-minute default), and 429s handed back at once so the queue delays only that delivery.
 */
export function clientOptions(s: SlackSettings, log: Logger): WebClientOptions {
  return {
    ...(s.apiUrl ? { slackApiUrl: s.apiUrl } : {}),
    retryConfig: { retries: s.maxRetries, factor: 2, minTimeout: 100, maxTimeout: 2_000, randomize: true },
    rejectRateLimitedCalls: true,
    timeout: 15_000,
    logger: slackLogger(log),
  };
}

/** Creating a WebClient makes no request; the first API call does. */
export function createWebClient(s: SlackSettings, log: Logger): webApi.WebClient {
  return new webApi.WebClient(s.botToken, clientOptions(s, log));
}

/** Slack error codes a retry cannot fix: fail the delivery at once. */
const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'missing_scope',
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'msg_blocks_too_long',
  'too_many_attachments',
  'invalid_metadata_format',
  'restricted_action',
]);

/** Slack's own error code (`not_in_channel`, …) of a Web API platform error, if it is one. */
export function platformErrorCode(err: unknown): string | null {
  const e = err as { code?: string; data?: { error?: string } };
  return e?.code === webApi.ErrorCode.PlatformError ? (e.data?.error ?? null) : null;
}

/** Maps a Web API failure to our coded errors (the queue decides retries from them). */
export function slackError(err: unknown, what: string): TradewireError {
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string }; statusCode?: number };
  if (e?.code === webApi.ErrorCode.RateLimitedError) {
    const retryAfterMs = Math.max(1, e.retryAfter ?? 1) * 1_000;
    return new TradewireError('platform/rate-limited', `Slack rate-limited ${what}`, {
      retryable: true,
      retryAfterMs,
      cause: err,
    });
  }
  if (e?.code === webApi.ErrorCode.PlatformError) {
    const code = e.data?.error ?? 'unknown_error';
    if (code === 'ratelimited') {
      return new TradewireError('platform/rate-limited', `Slack rate-limited ${what}`, {
        retryable: true,
        retryAfterMs: 1_000,
        cause: err,
      });
    }
    const permanent = PERMANENT.has(code);
    return new TradewireError(
      permanent ? 'platform/rejected' : 'platform/unavailable',
      `Slack refused ${what}: ${code}`,
      {
        retryable: !permanent,
        cause: err,
        ...(code === 'not_in_channel' ? { hint: 'invite the app to the channel (/invite @Tradewire)' } : {}),
      },
    );
  }
  const status = e?.statusCode;
  const permanent = status !== undefined && status >= 400 && status < 500;
  const message = err instanceof Error ? err.message : String(err);
  return new TradewireError(
    permanent ? 'platform/rejected' : 'platform/unavailable',
    `Slack ${what} failed: ${message}`,
    {
      retryable: !permanent,
      cause: err,
    },
  );
}
