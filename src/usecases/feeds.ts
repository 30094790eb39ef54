import { createHash } from 'node:crypto';
import type { Config } from '../config.ts';
import { TradewireError } from '../errors.ts';
import { canonicalUrl } from '../ingest/canonical-url.ts';
import type { Logger } from '../log.ts';
import type { PlatformRegistry } from '../platform/registry.ts';
import type { QueueRuntime } from '../queue/runtime.ts';
import { isBlockedAddress } from '../sources/address-policy.ts';
import { plannedPoll, removeFeedScheduler, upsertFeedScheduler } from '../sources/feed-worker.ts';
import type { Feed, FeedStore } from '../store/feeds.ts';
import type { UseCaseDeps } from './deps.ts';

/** What feed management needs: a subset of UseCaseDeps, with the feed store present. */
export interface FeedDeps {
  config: Pick<Config, 'allowPrivateUrls'>;
  feeds: FeedStore;
  platforms: Pick<PlatformRegistry, 'requireChannel'>;
  queues(): Promise<QueueRuntime>;
  log: Logger;
}

/** The feed deps of the use-case deps; 'config/invalid' when this composition wired no feed store. */
export function feedDeps(deps: UseCaseDeps): FeedDeps {
  if (!deps.feeds) throw new TradewireError('config/invalid', 'no feed store is configured in this process');
  return {
    config: deps.config,
    feeds: deps.feeds,
    platforms: deps.platforms,
    queues: deps.queues,
    log: deps.log,
  };
}

/** A feed as `feeds list` and `/trade sources` show it. */
export interface FeedView extends Feed {
  /** When the next poll is due (ISO), or null for a disabled feed. */
  nextPollAt: string | null;
}

export const MIN_EVERY_MS = 60_000;
export const MAX_EVERY_MS = 7 * 24 * 3600_000;
export const DEFAULT_EVERY_MS = 10 * 60_000;

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 };

/** `10m`, `1h30m`, `90s`, `1d` → milliseconds, between one minute and a week. */
export function parseEvery(text: string): number {
  const parts = [...text.trim().matchAll(/(\d+)\s*([smhd])/gi)];
  const ms = parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_MS[unit!.toLowerCase()]!, 0);
  const whole = parts.map((p) => p[0]).join('') === text.replace(/\s+/g, '');
  if (parts.length === 0 || !whole || ms < MIN_EVERY_MS || ms > MAX_EVERY_MS) {
    throw new TradewireError('feed/invalid', `--every "${text}" is not an interval between 1m and 7d`, {
      hint: 'use e.g. 10m, 1h, 1h30m or 1d',
    });
  }
  return ms;
}

/** Feed ids: the same URL for the same channel is the same feed. */
export function feedId(url: string, channel: string | null): string {
  return `f${createHash('sha1')
    .update(`${url}\n${channel ?? ''}`)
    .digest('hex')
    .slice(0, 8)}`;
}

function checkUrl(raw: string, allowPrivate: boolean): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new TradewireError('feed/invalid', `"${raw.slice(0, 100)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TradewireError('feed/invalid', `feeds must be http(s) URLs, got ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new TradewireError('feed/invalid', 'feed URLs with credentials are not accepted');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && (host === 'localhost' || (/^[\d.:a-f]+$/i.test(host) && isBlockedAddress(host)))) {
    throw new TradewireError('fetch/blocked', `${url.host} is a private or local address`, {
      hint: 'set TRADEWIRE_ALLOW_PRIVATE_URLS=true to allow intranet feeds',
    });
  }
  return canonicalUrl(url.href);
}

/**
 * Subscribes to a feed and schedules its polls (the first one right away, by `tradewire run`).
 * Adding a feed that exists returns it, re-enabled if it had been disabled.
 */
export async function addFeed(
  deps: FeedDeps,
  input: { url: string; everyMs?: number; channel?: string | undefined; createdBy?: string | undefined },
): Promise<{ feed: Feed; created: boolean }> {
  const url = checkUrl(input.url, deps.config.allowPrivateUrls);
  const channel = input.channel ?? null;
  if (channel !== null) deps.platforms.requireChannel(channel);
  const everyMs = input.everyMs ?? DEFAULT_EVERY_MS;
  if (everyMs < MIN_EVERY_MS || everyMs > MAX_EVERY_MS) {
    throw new TradewireError('feed/invalid', 'feeds are polled between once a minute and once a week');
  }
  const result = await deps.feeds.addFeed({
    id: feedId(url, channel),
    url,
    channel,
    everyMs,
    createdBy: input.createdBy ?? null,
  });
  await upsertFeedScheduler(await deps.queues(), result.feed);
  deps.log.info(result.created ? 'feed added' : 'feed re-added', { feed: result.feed.id, url });
  return result;
}

export async function listFeeds(deps: FeedDeps): Promise<FeedView[]> {
  const feeds = await deps.feeds.listFeeds();
  const rt = await deps.queues();
  return Promise.all(
    feeds.map(async (f) => {
      if (f.status === 'disabled') return { ...f, nextPollAt: null };
      const planned = await plannedPoll(rt, f.id);
      const retry = f.retryAt ? Date.parse(f.retryAt) : 0;
      const next = planned === null ? null : Math.max(planned, retry);
      return { ...f, nextPollAt: next === null ? null : new Date(next).toISOString() };
    }),
  );
}

export async function removeFeed(deps: FeedDeps, id: string): Promise<void> {
  const removed = await deps.feeds.removeFeed(id);
  await removeFeedScheduler(await deps.queues(), id);
  if (!removed) {
    throw new TradewireError('feed/not-found', `no feed ${id}`, { hint: 'see tradewire feeds list' });
  }
}
