import type { StoredSummary, Summary } from '../domain.ts';

export interface CachedSummary {
  summary: Summary;
  summarisedBy: string;
  promptVersion: string;
}

/** Story summaries, and the content-addressed cache that spares a second LLM call for the same text. */
export interface SummaryStore {
  /**
   * Takes the right to summarise a story that wants a newer summary, for `leaseMs`, so that workers in
   * other processes do not make the same LLM call. Returns the claim, or when it is held elsewhere
   * (or nothing is due) how long until it may be tried again.
   */
  claimSummary(
    storyId: string,
    leaseMs: number,
  ): Promise<{ claimed: true } | { claimed: false; retryInMs: number }>;
  /**
   * Writes summary version `version` if the story still wants it (and releases the claim); returns
   * false when that version or a newer one exists. Rejects with `store/not-found` for an unknown story.
   */
  saveSummary(summary: Omit<StoredSummary, 'createdAt'>): Promise<boolean>;
  cachedSummary(key: string): Promise<CachedSummary | null>;
  cacheSummary(key: string, value: CachedSummary): Promise<void>;
}
