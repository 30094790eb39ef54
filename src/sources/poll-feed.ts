import { createHash } from 'node:crypto';
import type { DeliveryRequest } from '../delivery/deliver.ts';
import type { ArticleInput } from '../domain.ts';
import { describeError } from '../errors.ts';
import { validateArticle } from '../ingest/validate.ts';
import type { Logger } from '../log.ts';
import type { Feed, FeedStore } from '../store/feeds.ts';
import { decodeBody } from './decode-body.ts';
import { feedArticle } from './feed-article.ts';
import { type FeedEntry, parseFeedDocument } from './parse-feed.ts';
import type { SafeFetcher } from './safe-fetch.ts';

/** What the poller hands to the submit-articles use case (same shape as its SubmitItem). */
export type FeedSubmission = { input: string; record: ArticleInput } | { input: string; error: unknown };

export interface PollDeps {
  feeds: FeedStore;
  fetcher: SafeFetcher;
  /** The submit-articles use case: the one path every source takes into the pipeline. */
  submit(items: FeedSubmission[]): Promise<unknown>;
  /** Enqueues an operator notice through the delivery ledger. */
  notify(req: DeliveryRequest): Promise<void>;
  log: Logger;
  settings: { backfill: number; maxFailures: number; teaserChars: number };
  now?: () => number;
}

export type PollOutcome =
  | { status: 'skipped'; reason: 'missing' | 'disabled' | 'backoff' }
  | { status: 'not-modified' | 'unchanged' }
  | { status: 'polled'; newItems: number; submitted: number }
  | { status: 'failed'; error: string; failures: number; disabled: boolean };

const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/rdf+xml, application/feed+json;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1';

/** Delay before the next attempt after `failures` consecutive failures: the interval, doubled each time. */
export function backoffMs(everyMs: number, failures: number): number {
  return everyMs * 2 ** Math.max(0, failures - 1);
}

/** Page fetches for teasers in flight at once, per feed. */
const PAGE_CONCURRENCY = 4;

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}

/** Newest first by published date where dates parse; entries without one keep their feed order. */
function newestFirst(entries: FeedEntry[]): FeedEntry[] {
  const t = (e: FeedEntry) => (e.published ? Date.parse(e.published) : Number.NaN);
  return entries
    .map((e, i) => ({ e, i, t: t(e) }))
    .sort((a, b) => (Number.isNaN(a.t) || Number.isNaN(b.t) ? a.i - b.i : b.t - a.t || a.i - b.i))
    .map((x) => x.e);
}

/**
 * One poll of one feed: a conditional GET (ETag / Last-Modified); an unchanged body (same hash) is not
 * parsed again; items this feed already delivered (by guid/link) are skipped; on the first poll only
 * the newest `backfill` items are ingested. New items go through `submit`, then are marked seen, so a
 * crash in between re-submits them (article ids make that a no-op) rather than losing them.
 * A failure backs off exponentially; after `maxFailures` in a row the feed is disabled and the channel
 * that added it gets one notice.
 */
export async function pollFeed(deps: PollDeps, feedId: string): Promise<PollOutcome> {
  const now = deps.now ?? Date.now;
  const feed = await deps.feeds.getFeed(feedId);
  if (!feed) return { status: 'skipped', reason: 'missing' };
  if (feed.status === 'disabled') return { status: 'skipped', reason: 'disabled' };
  if (feed.retryAt && Date.parse(feed.retryAt) > now()) return { status: 'skipped', reason: 'backoff' };
  const polledAt = new Date(now()).toISOString();
  try {
    const headers: Record<string, string> = {};
    if (feed.etag) headers['if-none-match'] = feed.etag;
    if (feed.lastModified) headers['if-modified-since'] = feed.lastModified;
    const res = await deps.fetcher.get(feed.url, { headers, accept: FEED_ACCEPT });
    const validators = {
      etag: typeof res.headers.etag === 'string' ? res.headers.etag : feed.etag,
      lastModified:
        typeof res.headers['last-modified'] === 'string' ? res.headers['last-modified'] : feed.lastModified,
    };
    const ok = { lastPolledAt: polledAt, lastSuccessAt: polledAt, failures: 0, retryAt: null, ...validators };
    if (res.status === 304) {
      await deps.feeds.updateFeed(feed.id, ok);
      return { status: 'not-modified' };
    }
    const bodyHash = createHash('sha256').update(res.body).digest('hex');
    if (bodyHash === feed.bodyHash) {
      await deps.feeds.updateFeed(feed.id, ok);
      return { status: 'unchanged' };
    }
    const parsed = parseFeedDocument(decodeBody(res.body, res.headers['content-type']));
    const { submitted, newItems } = await ingestEntries(deps, feed, parsed.title, parsed.entries);
    await deps.feeds.updateFeed(feed.id, {
      ...ok,
      bodyHash,
      title: parsed.title ?? feed.title,
      itemsIngested: feed.itemsIngested + submitted,
    });
    return { status: 'polled', newItems, submitted };
  } catch (err) {
    return recordFailure(deps, feed, polledAt, describeError(err));
  }
}

async function ingestEntries(
  deps: PollDeps,
  feed: Feed,
  title: string | undefined,
  entries: FeedEntry[],
): Promise<{ newItems: number; submitted: number }> {
  const byKey = new Map(entries.map((e) => [e.key, e]));
  const unseen = await deps.feeds.unseenItems(feed.id, [...byKey.keys()]);
  const fresh = newestFirst(unseen.map((k) => byKey.get(k)!));
  // First successful poll: backfill only the newest items; the rest count as seen.
  const take = feed.lastSuccessAt === null ? fresh.slice(0, deps.settings.backfill) : fresh;
  const source = title ?? feed.title ?? new URL(feed.url).hostname;
  const ctx = { fetcher: deps.fetcher, teaserChars: deps.settings.teaserChars, source, log: deps.log };
  const items = await mapLimit(take, PAGE_CONCURRENCY, async (e): Promise<FeedSubmission> => {
    const input = `feed:${feed.id}:${e.url ?? e.key}`;
    try {
      return { input, record: validateArticle(await feedArticle(e, ctx), input) };
    } catch (error) {
      return { input, error };
    }
  });
  if (items.length > 0) await deps.submit(items);
  await deps.feeds.markItemsSeen(
    feed.id,
    fresh.map((e) => e.key),
  );
  const submitted = items.filter((i) => 'record' in i).length;
  deps.log.info('feed polled', { feed: feed.id, new: fresh.length, submitted });
  return { newItems: fresh.length, submitted };
}

async function recordFailure(deps: PollDeps, feed: Feed, at: string, error: string): Promise<PollOutcome> {
  const failures = feed.failures + 1;
  const disabled = failures >= deps.settings.maxFailures;
  const retryAt = new Date(Date.parse(at) + backoffMs(feed.everyMs, failures)).toISOString();
  await deps.feeds.updateFeed(feed.id, {
    lastPolledAt: at,
    lastError: error,
    lastErrorAt: at,
    failures,
    retryAt: disabled ? null : retryAt,
    ...(disabled ? { status: 'disabled' as const, disabledAt: at } : {}),
  });
  deps.log.warn(disabled ? 'feed disabled after repeated failures' : 'feed poll failed', {
    feed: feed.id,
    failures,
    err: error,
  });
  if (disabled && feed.channel) {
    // One notice per disabling: the ledger id names this feed and the instant it was disabled.
    await deps.notify({
      deliveryId: `notice:feed-disabled:${feed.id}:${at}`,
      channel: feed.channel,
      message: {
        kind: 'notice',
        title: `Feed ${feed.id} disabled`,
        text: `${feed.url} failed ${failures} times in a row and is no longer polled. Last error: ${error}. Run \`tradewire feeds add ${feed.url}\` to enable it again.`,
      },
    });
  }
  return { status: 'failed', error, failures, disabled };
}
