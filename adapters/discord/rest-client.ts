import { DiscordAPIError, RateLimitError, REST } from 'discord.js';
import type { Config } from '../../src/config.ts';
import { TradewireError } from '../../src/errors.ts';

/** Every outside-world dependency of the Discord adapter: the `discord` part of the one config. */
export type DiscordSettings = Config['discord'];

/**
 * A REST client on the configured base. `reject: true` makes any rate limit throw instead of
 * waiting (deliveries go back to the queue for that long); `false` waits per route bucket, which is
 * right for interaction responses that must happen now.
 */
export function createRest(s: DiscordSettings, opts: { reject: boolean }): REST {
  const rest = new REST({
    ...(s.apiUrl ? { api: s.apiUrl.replace(/\/+$/, '') } : {}),
    timeout: s.restTimeoutMs,
    retries: s.restRetries,
    rejectOnRateLimit: opts.reject ? () => true : null,
  });
  if (s.token) rest.setToken(s.token);
  return rest;
}

/** Discord JSON error codes we branch on. */
export const DISCORD_CODE = {
  unknownWebhook: 10015,
  invalidWebhookToken: 50027,
  threadAlreadyCreated: 160004,
} as const;

export function discordCode(err: unknown): number | null {
  return err instanceof DiscordAPIError && typeof err.code === 'number' ? err.code : null;
}

/**
 * Maps a REST failure to the port's errors: a rate limit is retryable after Discord's wait; a 4xx
 * cannot be fixed by retrying; anything else (5xx after the client's own retries, timeouts) is
 * rethrown and retried by the queue with backoff.
 */
export function mapRestError(err: unknown, what: string): unknown {
  if (err instanceof RateLimitError) {
    const retryAfterMs = Math.max(err.retryAfter, err.timeToReset, 1);
    return new TradewireError('platform/rate-limited', `Discord rate limit on ${err.route} (${what})`, {
      retryable: true,
      retryAfterMs,
      cause: err,
    });
  }
  if (err instanceof DiscordAPIError && err.status >= 400 && err.status < 500 && err.status !== 429) {
    return new TradewireError('platform/rejected', `Discord refused ${what}: ${err.message}`, {
      cause: err,
      ...(err.status === 403 || err.status === 401
        ? {
            hint: 'check DISCORD_TOKEN and the bot’s permissions in that channel (View, Send Messages, Embed Links, Create Public Threads)',
          }
        : {}),
    });
  }
  return err;
}

/** `discord:<id>` → `<id>` (a snowflake), refusing anything else before a request is made. */
export function discordChannelId(channel: string): string {
  const m = /^discord:(\d{5,25})$/.exec(channel);
  if (!m) {
    throw new TradewireError('platform/unknown-channel', `${channel} is not a Discord channel id`, {
      hint: 'use discord:<channel id> (enable Developer Mode, then right-click the channel → Copy Channel ID)',
    });
  }
  return m[1]!;
}
