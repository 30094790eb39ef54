import type { Entities } from '../domain.ts';
import type { DigestMessage, StoryItem, StoryWhy } from '../messages.ts';
import type { Store, StorySource, StoryView } from '../store/store.ts';
import { storyItem, storyWhy } from '../stories/story-item.ts';
import { storyRelevance } from '../stories/story-relevance.ts';
import { OFFLINE_SUMMARISER, offlineSummary } from '../summarise/summarise-story.ts';
import { rankStories } from './rank.ts';

/** One story as `digest --json` prints it (stable shape, documented in the README). */
export interface DigestStoryJson {
  id: string;
  headline: string;
  summary: string;
  keyPoints: string[];
  entities: Entities;
  instruments: string[];
  summarisedBy: string;
  /**
   * `stored`: the story's own summary; `provisional`: none is stored yet (its job is queued or the LLM
   * is down), so this one was made on the fly offline and will be replaced.
   */
  summaryStatus: 'stored' | 'provisional';
  tradeRelevance: number;
  /** Why the story is in the digest: relevance (compare with minRelevance) and matched instruments. */
  why: StoryWhy;
  sources: StorySource[];
}

export interface DigestJson {
  channel: string | null;
  since: string;
  until: string;
  stories: DigestStoryJson[];
}

/**
 * A story not yet summarised (its job is still queued, or the LLM is down) is shown with an offline
 * summary computed here, so a digest never drops or blanks a story.
 */
export async function withSummary(store: Store, view: StoryView): Promise<StoryView> {
  if (view.summary) return view;
  const summary = offlineSummary(await store.storyArticles(view.story.id));
  return {
    ...view,
    summary: {
      ...summary,
      storyId: view.story.id,
      version: 0,
      summarisedBy: OFFLINE_SUMMARISER,
      promptVersion: 'inline',
      createdAt: new Date().toISOString(),
    },
  };
}

export function storyJson(view: StoryView): DigestStoryJson {
  const s = view.summary;
  return {
    id: view.story.id,
    headline: s?.headline ?? view.sources[0]?.title ?? '',
    summary: s?.summary ?? '',
    keyPoints: s?.keyPoints ?? [],
    entities: s?.entities ?? { countries: [], people: [], organisations: [] },
    instruments: s?.instruments ?? [],
    summarisedBy: s?.summarisedBy ?? OFFLINE_SUMMARISER,
    summaryStatus: s && s.version > 0 ? 'stored' : 'provisional',
    tradeRelevance: storyRelevance(view).value,
    why: storyWhy(view),
    sources: view.sources,
  };
}

export interface WindowQuery {
  since: string;
  until: string;
  limit?: number | undefined;
  minRelevance?: number | undefined;
}

/** Stories whose articles were published in [since, until), ranked; every one unless `limit` is given. */
export async function digestForWindow(store: Store, q: WindowQuery): Promise<StoryView[]> {
  const views = (await store.storiesPublishedBetween(q.since, q.until)).filter(
    (v) => storyRelevance(v).value >= (q.minRelevance ?? 0),
  );
  const ranked = rankStories(views, Date.parse(q.until));
  const picked = q.limit === undefined ? ranked : ranked.slice(0, q.limit);
  return Promise.all(picked.map((v) => withSummary(store, v)));
}

export function periodLabel(at: Date, timezone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(at);
}

export function digestMessage(
  channel: string,
  views: StoryView[],
  opts: { label: string; timezone: string; max: number; intro?: string | null },
): DigestMessage {
  const items: StoryItem[] = views.slice(0, opts.max).map(storyItem);
  return {
    kind: 'digest',
    channel,
    periodLabel: opts.label,
    timezone: opts.timezone,
    intro: opts.intro ?? null,
    stories: items,
    more: Math.max(0, views.length - opts.max),
  };
}
