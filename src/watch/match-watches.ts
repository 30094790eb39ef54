import type { DeliveryRequest } from '../delivery/deliver.ts';
import type { Watch } from '../domain.ts';
import { watchMatches } from '../metrics.ts';
import type { Store, StoryView } from '../store/store.ts';
import { storyItem } from '../stories/story-item.ts';
import { detectInstruments } from '../summarise/entities.ts';
import { STOPWORDS, stem, words } from '../text/tokens.ts';
import { lookupCountry } from './countries.ts';
import { type MatchableStory, prepareStory } from './match.ts';
import { parseQuery } from './query.ts';
import { WatchIndex } from './watch-index.ts';

/** Matching looks at the summary and the articles' text, bounded so one huge article cannot stall it. */
const MAX_MATCH_CHARS = 50_000;
const WORD = /[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*/gu;

/**
 * What a watch query (or a digest's channel filter) is matched against: the source titles and the
 * articles' text (bodies when given, and the summary's verbatim source sentences), plus the summary's
 * headline, summary and key points only where the articles say the same — a word the articles do not
 * contain is dropped, so a model that writes "TARIFFS" into every headline cannot make a `tariffs`
 * watch fire. Instruments and countries from the summary count only when the article text names them.
 */
export function matchableStory(view: StoryView, extraText: readonly string[] = []): MatchableStory {
  const s = view.summary;
  const titles = view.sources.map((x) => x.title);
  const article = [...titles, ...extraText, ...(s?.sourceSentences ?? [])]
    .join(' \n ')
    .slice(0, MAX_MATCH_CHARS);
  const vocabulary = new Set(words(article).map(stem));
  const grounded = (field: string | undefined): string =>
    (field ?? '').replace(WORD, (w) => {
      const lower = w.toLowerCase();
      return STOPWORDS.has(lower) || vocabulary.has(stem(lower)) ? w : ' ';
    });
  const instrumentsInText = new Set(detectInstruments(article));
  const countriesInText = countriesNamed(article);
  return {
    id: view.story.id,
    title: [grounded(s?.headline), ...titles].filter((t) => t.trim()).join(' \n '),
    text: [
      grounded(s?.summary),
      ...(s?.keyPoints ?? []).map(grounded),
      ...(s?.sourceSentences ?? []),
      ...extraText,
    ]
      .filter((t) => t.trim())
      .join(' \n ')
      .slice(0, MAX_MATCH_CHARS),
    sources: view.sources.map((x) => x.source),
    countries: (s?.entities.countries ?? []).filter((code) => countriesInText.has(code)),
    instruments: (s?.instruments ?? []).filter((i) => instrumentsInText.has(i)),
  };
}

/** Countries the text names: names and demonyms, or a short code written in capitals ("US", "EU"). */
function countriesNamed(text: string): Set<string> {
  const out = new Set<string>();
  const tokens = text.match(WORD) ?? [];
  for (let i = 0; i < tokens.length; i++) {
    const w = tokens[i]!;
    const one = w.length > 3 || /^[A-Z.]+$/.test(w) ? lookupCountry(w.replace(/\./g, '')) : undefined;
    const two = i + 1 < tokens.length ? lookupCountry(`${w} ${tokens[i + 1]}`.toLowerCase()) : undefined;
    if (one) out.add(one);
    if (two) out.add(two);
  }
  return out;
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
