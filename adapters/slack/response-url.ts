import { TradewireError } from '../../src/errors.ts';
import type { SlackPayload } from './blocks.ts';

/**
 * Answers a command through its `response_url` (valid for 30 minutes, 5 uses). Used when the bot
 * cannot post to the channel itself (not invited), so an answer someone asked for still reaches them.
 */
export async function postToResponseUrl(
  responseUrl: string,
  payload: SlackPayload,
  timeoutMs: number,
): Promise<void> {
  let url: URL;
  try {
    url = new URL(responseUrl);
  } catch {
    throw new TradewireError('platform/rejected', 'the Slack response_url is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TradewireError('platform/rejected', 'the Slack response_url is not http(s)');
  }
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'in_channel', replace_original: false, ...payload }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new TradewireError('platform/unavailable', 'Slack response_url did not answer', {
      retryable: true,
      cause: err,
    });
  }
  await res.body?.cancel();
  if (res.status === 429) {
    const after = Number(res.headers.get('retry-after') ?? 1);
    throw new TradewireError('platform/rate-limited', 'Slack rate-limited a response_url post', {
      retryable: true,
      retryAfterMs: Math.max(1, Number.isFinite(after) ? after : 1) * 1_000,
    });
  }
  if (!res.ok) {
    // 404/410: the response_url expired (30 minutes) or was used up (5 responses).
    throw new TradewireError('platform/rejected', `Slack response_url answered HTTP ${res.status}`, {
      retryable: res.status >= 500,
    });
  }
}
