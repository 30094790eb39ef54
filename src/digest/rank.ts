import type { StoryView } from '../store/store.ts';
import { storyRelevance } from '../stories/story-relevance.ts';

/**
 * Digest order: independent sources first (a story five outlets carry matters more than one
 * carried once), then recency, then trade relevance. Weights keep the source count dominant
 * for stories of the same day; a day's age costs about as much as one source.
 */
export function storyScore(view: StoryView, now: number): number {
  const sources = new Set(view.sources.map((s) => s.source.toLowerCase())).size;
  const ageDays = Math.max(0, (now - Date.parse(view.story.lastPublished)) / 86_400_000);
  return Math.log2(1 + sources) * 2 - Math.min(ageDays, 30) * 0.5 + storyRelevance(view).value;
}

export function rankStories(views: StoryView[], now = Date.now()): StoryView[] {
  return views
    .map((v) => ({ v, s: storyScore(v, now) }))
    .sort(
      (a, b) =>
        b.s - a.s ||
        b.v.story.lastPublished.localeCompare(a.v.story.lastPublished) ||
        (a.v.story.id < b.v.story.id ? -1 : 1),
    )
    .map((x) => x.v);
}
