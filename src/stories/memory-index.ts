import { type Fingerprint, toStored } from './fingerprint.ts';
import type { StoryCandidate } from './group.ts';
import { type StoryIndex, windowAround } from './story-index.ts';

interface Entry {
  candidate: StoryCandidate;
  publishedMs: number;
}

/** Most keys are held by one article: store it bare, and an array only from the second. */
type Buckets = Map<string, Entry | Entry[]>;

const DAY_MS = 86_400_000;

/**
 * In-memory LSH index (lookup key → articles) for tests and benchmarks.
 * - Buckets keep at most `maxBucket` articles (the newest), so a key shared by a recurring template or
 *   boilerplate sentence cannot make lookups grow with the archive.
 * - With `retainDays`, the index is split into generations `retainDays` wide by publication date and the
 *   one before the previous generation is dropped whole, so memory stays at about two windows' worth
 *   when ingesting in date order (an article published before that then finds no candidates).
 */
export class MemoryStoryIndex implements StoryIndex {
  private readonly maxBucket: number;
  private readonly generationMs: number;
  /** Newest generation first. */
  private generations: { start: number; buckets: Buckets }[] = [];
  private count = 0;

  constructor(opts: { maxBucket?: number; retainDays?: number } = {}) {
    this.maxBucket = opts.maxBucket ?? 64;
    this.generationMs = (opts.retainDays ?? Number.POSITIVE_INFINITY) * DAY_MS;
  }

  /** Articles added (including any since dropped with their generation). */
  get size(): number {
    return this.count;
  }

  candidates(fp: Fingerprint, from: string, to: string): StoryCandidate[] {
    const lo = Date.parse(from);
    const hi = Date.parse(to);
    let seen: Set<Entry> | undefined;
    const out: StoryCandidate[] = [];
    let end = Number.POSITIVE_INFINITY;
    for (const g of this.generations) {
      // Everything in a generation was published before the next newer one starts.
      const skip = end <= lo;
      end = g.start;
      if (skip) continue;
      for (const key of fp.bandKeys) {
        const bucket = g.buckets.get(key);
        if (bucket === undefined) continue;
        for (const e of Array.isArray(bucket) ? bucket : [bucket]) {
          if (e.publishedMs < lo || e.publishedMs > hi) continue;
          seen ??= new Set();
          if (seen.has(e)) continue;
          seen.add(e);
          out.push(e.candidate);
        }
      }
    }
    return out;
  }

  /** Convenience: candidates within ±windowDays of the fingerprint's publication date. */
  candidatesNear(fp: Fingerprint, windowDays: number): StoryCandidate[] {
    const { from, to } = windowAround(fp.published, windowDays);
    return this.candidates(fp, from, to);
  }

  add(articleId: string, storyId: string, fp: Fingerprint): void {
    const entry: Entry = {
      candidate: { articleId, storyId, published: fp.published, fingerprint: toStored(fp) },
      publishedMs: Date.parse(fp.published),
    };
    const buckets = this.generationFor(entry.publishedMs);
    for (const key of fp.bandKeys) {
      const held = buckets.get(key);
      if (held === undefined) {
        buckets.set(key, entry);
        continue;
      }
      const bucket = Array.isArray(held) ? held : [held];
      if (bucket !== held) buckets.set(key, bucket);
      bucket.push(entry);
      if (bucket.length > this.maxBucket) {
        let oldest = 0;
        for (let i = 1; i < bucket.length; i++)
          if (bucket[i]!.publishedMs < bucket[oldest]!.publishedMs) oldest = i;
        bucket.splice(oldest, 1);
      }
    }
    this.count++;
  }

  private generationFor(ms: number): Buckets {
    const newest = this.generations[0];
    if (
      newest === undefined ||
      (ms >= newest.start + this.generationMs && Number.isFinite(this.generationMs))
    ) {
      const start =
        newest === undefined
          ? ms
          : newest.start + Math.floor((ms - newest.start) / this.generationMs) * this.generationMs;
      this.generations = [{ start, buckets: new Map() }, ...this.generations.slice(0, 1)];
      return this.generations[0]!.buckets;
    }
    // Older articles go into the newest generation that starts at or before them (else the oldest kept).
    for (const g of this.generations) if (ms >= g.start) return g.buckets;
    return this.generations[this.generations.length - 1]!.buckets;
  }
}
