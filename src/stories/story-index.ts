import { TradewireError } from '../errors.ts';
import type { Fingerprint } from './fingerprint.ts';
import type { StoryCandidate } from './group.ts';

/**
 * Candidate lookup for story grouping: articles sharing at least one lookup key (`fp.bandKeys`: LSH
 * bands and leading-sentence keys) with `fp`, published within [from, to] (inclusive ISO dates). The
 * cost of a lookup depends on the bucket sizes inside the window, not on the size of the archive.
 *
 * MemoryStoryIndex implements it for benchmarks and tests. Stores answer the same lookup through
 * `storyCandidates` (src/store/articles.ts); SQLite's `BandIndex` (src/store/sqlite/band-index.ts)
 * keeps the keys as a BLOB on the article row and a per-process hash map, capped per key.
 */
export interface StoryIndex {
  candidates(fp: Fingerprint, from: string, to: string): StoryCandidate[];
  add(articleId: string, storyId: string, fp: Fingerprint): void;
}

const DAY_MS = 86_400_000;

/** The [from, to] lookup window around a publication date, as ISO UTC strings. */
export function windowAround(published: string, days: number): { from: string; to: string } {
  const t = Date.parse(published);
  if (Number.isNaN(t)) {
    throw new TradewireError('ingest/bad-date', `Not a date: "${published}"`, {
      hint: 'Give the publication date as ISO 8601, e.g. 2019-11-26 or 2019-11-26T14:30:00Z.',
    });
  }
  return { from: new Date(t - days * DAY_MS).toISOString(), to: new Date(t + days * DAY_MS).toISOString() };
}
