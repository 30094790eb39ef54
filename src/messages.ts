import type { StorySource } from './store/store.ts';

/**
 * What the core asks a platform to post, before any rendering. Each adapter turns these into
 * its own format (plain text, Block Kit, embeds) and applies its own limits and escaping.
 * All text fields may carry untrusted article content.
 */

export interface StoryItem {
  storyId: string;
  headline: string;
  summary: string;
  keyPoints: string[];
  sources: StorySource[];
  /** Latest published date among the sources (ISO). */
  published: string;
  summarisedBy: string;
  /** Why the story is in a digest: its trade relevance and the trade instruments its articles name. */
  why?: StoryWhy;
}

export interface StoryWhy {
  /** The relevance the digest filtered on (src/stories/story-relevance.ts). */
  tradeRelevance: number;
  /** Trade instruments (src/stories/trade-cues.ts) named in the articles, strongest first. */
  instruments: string[];
  /** When the LLM judged relevance too: the classifier's score, the model's, and how they combined. */
  classifierRelevance?: number;
  llmRelevance?: number;
  relevanceRule?: 'mean' | 'lower';
}

export interface DigestMessage {
  kind: 'digest';
  channel: string;
  /** Human period label in the channel's timezone, e.g. "Tue 26 Nov 2019". */
  periodLabel: string;
  timezone: string;
  intro: string | null;
  stories: StoryItem[];
  /** Stories that passed the filters but did not fit. */
  more: number;
}

export interface AlertMessage {
  kind: 'alert';
  watchId: string;
  query: string;
  matchedTerms: string[];
  story: StoryItem;
}

export interface AnswerCitation {
  n: number;
  articleId: string;
  storyId: string;
  source: string;
  url: string | null;
  published: string;
  quote: string;
}

export interface AnswerMessage {
  kind: 'answer';
  question: string;
  answer: string;
  grounded: boolean;
  citations: AnswerCitation[];
}

export interface UpdateMessage {
  kind: 'update';
  story: StoryItem;
  version: number;
}

/** An operator notice (a feed disabled after repeated failures): no stories, plain words. */
export interface NoticeMessage {
  kind: 'notice';
  title: string;
  text: string;
}

export type OutgoingMessage = DigestMessage | AlertMessage | AnswerMessage | UpdateMessage | NoticeMessage;

export function storyIdsOf(m: OutgoingMessage): string[] {
  switch (m.kind) {
    case 'digest':
      return m.stories.map((s) => s.storyId);
    case 'alert':
    case 'update':
      return [m.story.storyId];
    case 'answer':
      return [...new Set(m.citations.map((c) => c.storyId))];
    case 'notice':
      return [];
  }
}
