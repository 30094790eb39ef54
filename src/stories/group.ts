import type { Fingerprint, StoredFingerprint } from './fingerprint.ts';
import {
  estimatedContainment,
  estimatedJaccard,
  numericOverlap,
  sentenceContainment,
  titleSimilarity,
} from './similarity.ts';

/** The pure "which story does this article join?" decision. No I/O: candidates come from a StoryIndex. */

export interface StoryCandidate {
  articleId: string;
  storyId: string;
  published: string;
  fingerprint: StoredFingerprint;
}

export interface GroupOptions {
  /** Candidates further apart than this (either direction) never join. */
  windowDays: number;
  /** Join at or above this estimated shingle Jaccard… */
  minJaccard: number;
  /** …or at or above this estimated containment (shorter text inside the longer one). */
  minContainment: number;
  /** Titles at least this similar (term Jaccard) lower both thresholds by `titleRelief`. */
  closeTitle: number;
  titleRelief: number;
  /** A share of exactly shared sentences (of the shorter text) that counts as containment on its own. */
  minSentenceContainment: number;
  /** Smaller texts than this (distinct shingles) need the sentence or title evidence as well. */
  minShingles: number;
  /**
   * Templated recurring reports: same wording, figures swapped. Only checked for articles at least
   * this many hours apart, so same-day corrections and updated tables still join their story.
   */
  templateMinGapHours: number;
  /** Share of the shared figure contexts that must disagree to call two texts different reports. */
  templateConflictShare: number;
}

export const DEFAULT_GROUP_OPTIONS: Readonly<GroupOptions> = {
  windowDays: 3,
  minJaccard: 0.5,
  minContainment: 0.8,
  closeTitle: 0.9,
  titleRelief: 0.05,
  minSentenceContainment: 0.8,
  minShingles: 3,
  templateMinGapHours: 12,
  templateConflictShare: 0.2,
};

export interface StoryMatch {
  storyId: string;
  articleId: string;
  /** 0..1: the strongest similarity that justified the join, plus a small title tie-breaker. */
  score: number;
}

export interface PairAssessment {
  join: boolean;
  score: number;
  jaccard: number;
  containment: number;
  sentenceContainment: number;
  title: number;
  /** True when the pair looks like one template filled in with different figures. */
  templated: boolean;
  reason: 'out-of-window' | 'templated' | 'too-different' | 'jaccard' | 'containment' | 'sentences';
}

const HOUR_MS = 3_600_000;

/** Milliseconds between two ISO dates; NaN when either does not parse. */
function gapMs(a: string, b: string): number {
  return Math.abs(Date.parse(a) - Date.parse(b));
}

/** Same template, different figures: enough shared figure contexts disagree, on a different day. */
export function isTemplatedPair(
  a: StoredFingerprint,
  b: StoredFingerprint,
  gapHours: number,
  opts: Readonly<GroupOptions> = DEFAULT_GROUP_OPTIONS,
): boolean {
  if (gapHours < opts.templateMinGapHours) return false;
  const n = numericOverlap(a.numbers, b.numbers);
  return n.conflicts >= 1 && n.conflicts >= opts.templateConflictShare * (n.conflicts + n.agreements);
}

/** The full reasoning for one pair; `chooseStory` keeps the best joinable candidate. */
export function assessPair(
  fp: StoredFingerprint & { published: string },
  cand: { published: string; fingerprint: StoredFingerprint },
  options: Partial<GroupOptions> = {},
): PairAssessment {
  const opts = { ...DEFAULT_GROUP_OPTIONS, ...options };
  const other = cand.fingerprint;
  const gap = gapMs(fp.published, cand.published);
  const base = { jaccard: 0, containment: 0, sentenceContainment: 0, title: 0, templated: false };
  if (!(gap <= opts.windowDays * 24 * HOUR_MS))
    return { ...base, join: false, score: 0, reason: 'out-of-window' };

  const jaccard = estimatedJaccard(fp, other);
  const containment = estimatedContainment(fp, other, jaccard);
  const sentences = sentenceContainment(fp, other);
  const title = titleSimilarity(fp, other);
  const relief = title >= opts.closeTitle ? opts.titleRelief : 0;
  const small = Math.min(fp.shingleCount, other.shingleCount) < opts.minShingles;

  let reason: PairAssessment['reason'] = 'too-different';
  if (jaccard >= opts.minJaccard - relief) reason = 'jaccard';
  else if (containment >= opts.minContainment - relief) reason = 'containment';
  else if (
    sentences >= opts.minSentenceContainment &&
    (containment >= opts.minContainment / 2 || title >= opts.closeTitle)
  )
    reason = 'sentences';
  if (reason !== 'too-different' && small && title < opts.closeTitle && sentences < 1)
    reason = 'too-different';

  const templated = reason !== 'too-different' && isTemplatedPair(fp, other, gap / HOUR_MS, opts);
  if (templated) reason = 'templated';
  const join = reason === 'jaccard' || reason === 'containment' || reason === 'sentences';
  const score = join ? Math.min(1, Math.max(jaccard, containment, sentences) * 0.95 + title * 0.05) : 0;
  return { join, score, jaccard, containment, sentenceContainment: sentences, title, templated, reason };
}

/**
 * The story a new article joins, or null for a new story. Picks the best-scoring joinable candidate;
 * ties go to the closer publication time.
 */
export function chooseStory(
  fp: Fingerprint,
  candidates: readonly StoryCandidate[],
  opts: Partial<GroupOptions> = {},
): StoryMatch | null {
  let best: StoryMatch | null = null;
  let bestGap = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const a = assessPair(fp, c, opts);
    if (!a.join) continue;
    const gap = gapMs(fp.published, c.published);
    if (best === null || a.score > best.score || (a.score === best.score && gap < bestGap)) {
      best = { storyId: c.storyId, articleId: c.articleId, score: a.score };
      bestGap = gap;
    }
  }
  return best;
}

/** Threshold on newContentRatio above which a joining article should trigger a re-summary. */
export const RESUMMARY_NEW_CONTENT = 0.2;

/**
 * Share of the new article's sentences (by normalised sentence hash) found in no article of the story.
 * 0 for an exact copy, ~1 for all-new text; 0 when the new article has no hashable sentence.
 */
export function newContentRatio(newFp: StoredFingerprint, storyFps: readonly StoredFingerprint[]): number {
  if (newFp.sentenceHashes.length === 0) return 0;
  const known = new Set<number>();
  for (const s of storyFps) for (const h of s.sentenceHashes) known.add(h);
  let fresh = 0;
  for (const h of newFp.sentenceHashes) if (!known.has(h)) fresh++;
  return fresh / newFp.sentenceHashes.length;
}

/** A joining article must bring at least this many new sentences to be a material change. */
export const RESUMMARY_MIN_NEW_SENTENCES = 2;

/**
 * Does a joining article change the story enough to summarise it again? At least 20 % of its sentences
 * and at least two sentences must be new: a syndicated copy with a fresh opening line is not news,
 * an update with new paragraphs is.
 */
export function isMaterialChange(newFp: StoredFingerprint, storyFps: readonly StoredFingerprint[]): boolean {
  const ratio = newContentRatio(newFp, storyFps);
  const fresh = Math.round(ratio * newFp.sentenceHashes.length);
  return ratio >= RESUMMARY_NEW_CONTENT && fresh >= RESUMMARY_MIN_NEW_SENTENCES;
}
