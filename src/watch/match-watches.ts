import type { DeliveryRequest } from '../delivery/deliver.ts';
import type { Watch } from '../domain.ts';
import { watchMatches } from '../metrics.ts';
import type { Store, StoryView } from '../store/store.ts';
import { storyItem } from '../stories/story-item.ts';
import { type MatchableStory, prepareStory } from './match.ts';
import { parseQuery } from './query.ts';
import { WatchIndex } from './watch-index.ts';

/** Matching looks at the summary and the articles' text, bounded so one huge article cannot stall it. */
const MAX_MATCH_CHARS = 50_000;

/**
 * What a watch query (or a digest's channel filter) is matched against: the headline and source titles
 * as the title; the summary, key points and any extra text (article bodies) as the text, bounded.
 */
export function matchableStory(view: StoryView, extraText: readonly string[] = []): MatchableStory {
  const s = view.summary;
  return {
    id: view.story.id,
    title: [s?.headline, ...view.sources.map((x) => x.title)].filter(Boolean).join(' \n '),
    text: [s?.summary, ...(s?.keyPoints ?? []), ...extraText]
      .filter(Boolean)
      .join(' \n ')
      .slice(0, MAX_MATCH_CHARS),
    sources: view.sources.map((x) => x.source),
    countries: s?.entities.countries ?? [],
    instruments: s?.instruments ?? [],
  };
}

/**
 * Keeps an in-memory WatchIndex in step with the store. Watches change rarely and from other
 * processes (CLI, chat commands), so the index reloads when it is older than `maxAgeMs`.
 */
export class WatchMatcher {
  private index = new WatchIndex();
  private watches = new Map<string, Watch>();
  private loadedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: Store,
    private readonly maxAgeMs = 2_000,
  ) {}

  /** Number of watches after a refresh (cheap check before loading a story). */
  async count(): Promise<number> {
    await this.refresh();
    return this.index.size;
  }

  async refresh(force = false): Promise<void> {
    if (!force && Date.now() - this.loadedAt < this.maxAgeMs) return;
    const index = new WatchIndex();
    const watches = new Map<string, Watch>();
    for (const w of await this.store.listWatches()) {
      // A stored watch was parsed when it was added; a grammar change must not take the pipeline down.
      try {
        index.add(w.id, parseQuery(w.query));
        watches.set(w.id, w);
      } catch {}
    }
    this.index = index;
    this.watches = watches;
    this.loadedAt = Date.now();
  }

  /** Watches the story matches, with the terms that matched. */
  async match(view: StoryView, bodies: string[]): Promise<Array<{ watch: Watch; terms: string[] }>> {
    await this.refresh();
    if (this.index.size === 0) return [];
    const prepared = prepareStory(matchableStory(view, bodies));
    const out: Array<{ watch: Watch; terms: string[] }> = [];
    for (const hit of this.index.match(prepared)) {
      const watch = this.watches.get(hit.watchId);
      if (watch) out.push({ watch, terms: hit.terms });
    }
    return out;
  }
}

/** Ledger id of the one alert a watch may send for a story. */
export const alertDeliveryId = (watchId: string, storyId: string): string => `alert:${watchId}:${storyId}`;

/**
 * Alerts for a story: one delivery request per matching watch. The ledger id is per watch and
 * story, so a re-summary, a joining copy or a re-ingest never alerts a watch twice.
 */
export async function alertsForStory(
  store: Store,
  matcher: WatchMatcher,
  storyId: string,
): Promise<DeliveryRequest[]> {
  if ((await matcher.count()) === 0) return [];
  const view = await store.storyView(storyId);
  if (!view) return [];
  const item = storyItem(view);
  const bodies = (await store.storyArticles(storyId)).map((a) => a.body);
  const matches = await matcher.match(view, bodies);
  watchMatches.inc(matches.length);
  return matches.map(({ watch, terms }) => ({
    deliveryId: alertDeliveryId(watch.id, storyId),
    channel: watch.channel,
    message: { kind: 'alert', watchId: watch.id, query: watch.query, matchedTerms: terms, story: item },
  }));
}
