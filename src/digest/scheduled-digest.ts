import type { DeliveryRequest } from '../delivery/deliver.ts';
import type { Schedule } from '../domain.ts';
import type { StoryItem } from '../messages.ts';
import type { Store, StoryView } from '../store/store.ts';
import { storyRelevance } from '../stories/story-relevance.ts';
import { type PreparedStory, prepareStory, testQuery } from '../watch/match.ts';
import { matchableStory } from '../watch/match-watches.ts';
import { parseQuery } from '../watch/query.ts';
import { digestMessage, periodLabel, withSummary } from './build-digest.ts';
import { rankStories } from './rank.ts';
import { localDay } from './schedule.ts';
import { validSchedule } from './schedule-schema.ts';

export interface DigestDefaults {
  maxStories: number;
  minRelevance: number;
}

/** A channel with no schedule still gets `/trade digest now`, with these settings. */
export function defaultSchedule(channel: string, d: DigestDefaults): Schedule {
  return {
    channel,
    time: '08:00',
    timezone: 'UTC',
    weekdays: [],
    minRelevance: d.minRelevance,
    query: null,
    maxStories: d.maxStories,
    postEmpty: false,
  };
}

export const digestDeliveryId = (channel: string, periodKey: string): string =>
  `digest:${channel}:${periodKey}`;

export type ScheduledDigest =
  | { status: 'post'; request: DeliveryRequest; storyCount: number }
  | { status: 'already-delivered'; deliveryId: string }
  | { status: 'empty'; deliveryId: string };

/**
 * Tokenised stories for channel filters, shared by all digests built in this process: a thousand
 * channels firing at 08:00 tokenise each story once, not once per channel.
 */
const prepared = new Map<string, PreparedStory>();
const PREPARED_MAX = 20_000;

function preparedFor(view: StoryView): PreparedStory {
  const key = `${view.story.id}:${view.story.summaryVersion}:${view.story.articleCount}`;
  let p = prepared.get(key);
  if (!p) {
    p = prepareStory(matchableStory(view));
    if (prepared.size >= PREPARED_MAX) prepared.delete(prepared.keys().next().value ?? '');
    prepared.set(key, p);
  }
  return p;
}

function passes(view: StoryView, s: Schedule, query: ReturnType<typeof parseQuery> | null): boolean {
  if (storyRelevance(view).value < s.minRelevance) return false;
  if (!query) return true;
  return testQuery(query, preparedFor(view));
}

/**
 * The digest a channel is due at `at`: the stories that arrived since its last delivered digest
 * (first digest: the last 24 h), filtered by the channel's settings and ranked.
 *
 * Identity is channel + period (the channel-local day for scheduled digests), so a retried job, a
 * second worker or a late catch-up after downtime yields the same ledger id and posts at most once.
 * The cursor moves (to the highest story sequence considered) only when the digest is delivered.
 */
export async function buildScheduledDigest(
  store: Store,
  channel: string,
  at: Date,
  opts: {
    trigger: 'schedule' | 'now';
    defaults: DigestDefaults;
    /** Writes the optional overview paragraph (an LLM); null leaves it out. */
    intro?: ((stories: StoryItem[]) => Promise<string | null>) | null;
  },
): Promise<ScheduledDigest> {
  // Read through the same schema every writer uses: a row no surface would accept never shapes a digest.
  const stored = await store.getSchedule(channel);
  const schedule = stored ? validSchedule(stored) : defaultSchedule(channel, opts.defaults);
  const periodKey =
    opts.trigger === 'schedule' ? localDay(at, schedule.timezone) : `now-${at.toISOString().slice(0, 16)}`;
  const deliveryId = digestDeliveryId(channel, periodKey);
  const existing = await store.getDelivery(deliveryId);
  if (existing?.status === 'delivered') return { status: 'already-delivered', deliveryId };

  const cursor = await store.getDigestCursor(channel);
  const { stories, maxSeq } = cursor
    ? await store.storiesArrivedAfter(cursor.lastSeq)
    : await store.storiesArrivedAfter(0, { createdSince: new Date(at.getTime() - 86_400_000).toISOString() });
  const query = schedule.query ? parseQuery(schedule.query) : null;
  const picked = rankStories(
    stories.filter((v) => passes(v, schedule, query)),
    at.getTime(),
  );
  if (picked.length === 0 && !schedule.postEmpty) {
    if (maxSeq > (cursor?.lastSeq ?? 0)) await store.advanceDigestCursor(channel, maxSeq, periodKey);
    return { status: 'empty', deliveryId };
  }
  const shown = await Promise.all(picked.slice(0, schedule.maxStories).map((v) => withSummary(store, v)));
  const message = digestMessage(channel, [...shown, ...picked.slice(schedule.maxStories)], {
    label: periodLabel(at, schedule.timezone),
    timezone: schedule.timezone,
    max: schedule.maxStories,
  });
  if (opts.intro) message.intro = await opts.intro(message.stories);
  return {
    status: 'post',
    storyCount: picked.length,
    request: { deliveryId, channel, message, digestCursor: { seq: maxSeq, periodKey } },
  };
}
