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
  /**
   * Asks for a new summary of a story whose current summary was written under `promptVersion` (e.g.
   * the offline fallback used while the LLM was down) and that wants nothing newer: bumps the wanted
   * version and returns it. Returns null, changing nothing, otherwise — so asking twice asks once.
   */
  requestResummary(storyId: string, promptVersion: string): Promise<number | null>;
  cachedSummary(key: string): Promise<CachedSummary | null>;
  cacheSummary(key: string, value: CachedSummary): Promise<void>;
}
