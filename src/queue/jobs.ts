import type { ChannelQuestion } from '../ask/answer-delivery.ts';
import type { ArticleInput } from '../domain.ts';
import type { IngestResult } from '../store/store.ts';
import type { JobRef } from './names.ts';

/** Job payloads. Keep them plain JSON: they live in Redis and cross process versions. */
export interface IngestJob {
  articles: Array<{ input: string; record: ArticleInput }>;
}
export interface IngestJobResult {
  results: Array<IngestResult & { input: string }>;
  next: JobRef[];
  /** Stories of already-stored articles that still wanted a summary (work an earlier run left). */
  resumed?: number;
}
export interface StoryVersion {
  storyId: string;
  version: number;
}
/**
 * One story per job when an LLM does the work (rate limits, retries and fallbacks stay per story);
 * a batch of stories per job with the offline summariser, where queue overhead would dominate.
 */
export type SummariseJob = StoryVersion | { batch: StoryVersion[] };
export interface StepResult {
  next: JobRef[];
}
export interface DigestJob {
  channel: string;
  trigger: 'schedule' | 'now';
  /** ISO time the digest is for; scheduler jobs carry it in their id instead. */
  at?: string;
}

/** A question asked in a channel; the answer goes back as a delivery. */
export interface AskJob extends ChannelQuestion {
  /** Platform user id of whoever asked. */
  user: string;
}
