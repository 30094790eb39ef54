import { periodKey, withPeriodTerms } from '../search/period-terms.ts';
import { type QuestionTerm, questionTerms, textKeys } from '../search/question-terms.ts';
import type { Passage } from '../store/store.ts';
import { monthSpans } from '../text/periods.ts';
import { splitSentences } from '../text/sentences.ts';
import {
  type AbstainReason,
  contextKeysOf,
  type Evidence,
  type QuestionConstraints,
  questionConstraints,
  unsupported,
} from './constraints.ts';
import { cueScore } from './cues.ts';

/**
 * The extractive answerer used without an LLM (and when the LLM fails): scores every sentence of
 * the retrieved passages against the question, then quotes the best sentence that supports all of
 * the question's key constraints (entity, product, period, kind of answer; see constraints.ts). When
 * the best evidence misses one, it abstains and says which, citing the closest source it found.
 */

export interface OfflineCitation {
  /** 1-based marker used in `answer`. */
  n: number;
  /** Index into the passages given. */
  passageIndex: number;
  /** The sentence(s) quoted from that passage. */
  quote: string;
}

export interface OfflineAnswer {
  answer: string;
  grounded: boolean;
  citations: OfflineCitation[];
  /** Set when not grounded: which constraint of the question the evidence did not support. */
  abstainedBecause?: AbstainReason;
}

export interface OfflineOptions {
  /** Context words from earlier turns of a thread. */
  extraTerms?: readonly string[];
  /** Their weight relative to the question's own words (default 0.3). */
  extraWeight?: number;
}

export const NOT_FOUND_ANSWER =
  'I could not find anything in the stored articles that answers this. Try naming the country, product or measure.';

/** Minimum weighted share of the question's content terms the evidence must contain. */
export const MIN_COVERAGE = 0.35;
/** Evidence is searched for a sentence meeting every constraint down to this share of the best score. */
const FALLBACK_RATIO = 0.75;
/** How much the retrieval rank of a passage counts next to its sentence's fit (tuned on ask-reuters-dev). */
const PRIOR_WEIGHT = 0.5;
/** Credit for a question term found only in the sentence's passage or title, not the sentence. */
const CONTEXT_CREDIT = 0.4;
/** Names and goods decide what a question is about: they weigh more than other words. */
const KEY_TERM_WEIGHT = 1.5;
/** Context words only nudge the choice between sentences that fit the question itself. */
const EXTRA_SCALE = 0.25;
const SECOND_SENTENCE_RATIO = 0.8;
/** Sources cited at most (the answer's own, then others stating the same, or the closest ones). */
const MAX_SOURCES = 3;
/** Another article is cited as reporting the same when a sentence of it shares this share of words. */
const SAME_STATEMENT = 0.5;
const MAX_SENTENCE_CHARS = 450;

export interface Scored extends Evidence {
  passageIndex: number;
  order: number;
  coverage: number;
  score: number;
}

/** Answers `question` from `passages` (ranked best first) by quoting the sentences that fit it best. */
export function answerOffline(
  question: string,
  passages: readonly Passage[],
  opts: OfflineOptions = {},
): OfflineAnswer {
  const own = questionTerms(question);
  const ownKeys = new Set(own.map((t) => t.key));
  const extra = (opts.extraTerms ?? []).flatMap((t) => questionTerms(t)).filter((t) => !ownKeys.has(t.key));
  // A follow-up with no words of its own ("and why?") is about the earlier question's words.
  const primary = own.length > 0 ? own : extra;
  const secondary = own.length > 0 ? extra : [];
  if (primary.length === 0 || passages.length === 0) return notFound();

  const constraints = questionConstraints(question, primary);
  // Scored with its period as one term, met by any wording of it ("first quarter" for January-March).
  const periodTerms = withPeriodTerms(question, primary);
  const extraWeight = EXTRA_SCALE * (opts.extraWeight ?? 0.3);
  const scored = scoreSentences(passages, periodTerms, secondary, constraints, extraWeight);
  return decide(scored, constraints, passages);
}

/** Every sentence of `passages` scored against `question`, best first (for inspection and tests). */
export function rankEvidence(question: string, passages: readonly Passage[]): Scored[] {
  const terms = questionTerms(question);
  const constraints = questionConstraints(question, terms);
  return scoreSentences(passages, withPeriodTerms(question, terms), [], constraints, 0);
}

function decide(
  scored: Scored[],
  constraints: QuestionConstraints,
  passages: readonly Passage[],
): OfflineAnswer {
  const best = scored[0];
  if (!best || best.coverage < MIN_COVERAGE) return notFound();

  const floor = FALLBACK_RATIO * best.score;
  const first = scored.find(
    (s) => s.score >= floor && s.coverage >= MIN_COVERAGE && unsupported(constraints, s) === null,
  );
  if (!first)
    return abstain(unsupported(constraints, best) ?? noEvidence(), closestByArticle(scored, passages));

  const picked = [first];
  const second = scored.find(
    (s) =>
      s !== first &&
      s.score >= SECOND_SENTENCE_RATIO * first.score &&
      s.sentence !== first.sentence &&
      jaccard(s.keys, first.keys) < 0.5 &&
      unsupported(constraints, s) === null,
  );
  if (second) picked.push(second);
  // Two sentences of one passage read best in the order they were written.
  if (second && second.passageIndex === first.passageIndex && second.order < first.order) picked.reverse();
  const answer = quote(picked, passages);
  // Other articles that state it too (re-sends, rewrites) are cited after it, up to MAX_SOURCES.
  const quoted = new Set(answer.citations.map((c) => passages[c.passageIndex]?.articleId));
  const also: string[] = [];
  for (const s of scored) {
    if (answer.citations.length >= MAX_SOURCES) break;
    const articleId = passages[s.passageIndex]?.articleId;
    if (quoted.has(articleId) || jaccard(s.keys, first.keys) < SAME_STATEMENT) continue;
    if (unsupported(constraints, s) !== null) continue;
    quoted.add(articleId);
    const n = answer.citations.length + 1;
    answer.citations.push({ n, passageIndex: s.passageIndex, quote: s.sentence });
    also.push(`[${n}]`);
  }
  if (also.length > 0) answer.answer = `${answer.answer} Also reported in ${also.join(' ')}.`;
  return answer;
}

/** The best sentence of each article, best article first. */
function closestByArticle(scored: readonly Scored[], passages: readonly Passage[]): Scored[] {
  const seen = new Set<string | undefined>();
  const out: Scored[] = [];
  for (const s of scored) {
    const articleId = passages[s.passageIndex]?.articleId;
    if (seen.has(articleId)) continue;
    seen.add(articleId);
    out.push(s);
  }
  return out;
}

function scoreSentences(
  passages: readonly Passage[],
  primary: readonly QuestionTerm[],
  secondary: readonly QuestionTerm[],
  constraints: QuestionConstraints,
  extraWeight: number,
): Scored[] {
  const keyTerms = new Set([...constraints.entities, ...constraints.products].map((t) => t.key));
  const weightOf = (t: QuestionTerm) => (keyTerms.has(t.key) ? KEY_TERM_WEIGHT : 1);
  const topPrior = Math.max(...passages.map((p) => p.score), 0) || 1;
  const scored: Scored[] = [];
  // An article's retrieved passages are context for each other (the name in one, the figure in another).
  const byArticle = new Map<string, Set<string>>();
  for (const p of passages) {
    const keys = byArticle.get(p.articleId) ?? new Set<string>();
    for (const k of contextKeysOf(p.text, p.title)) keys.add(k);
    for (const k of periodKeys(`${p.title}\n${p.text}`)) keys.add(k);
    // A wire story of 1987 is about 1987 unless it says otherwise.
    keys.add(p.published.slice(0, 4));
    byArticle.set(p.articleId, keys);
  }
  passages.forEach((p, passageIndex) => {
    const contextKeys = byArticle.get(p.articleId) ?? new Set<string>();
    const prior = Math.max(0, p.score) / topPrior;
    splitSentences(p.text).forEach((sentence, order) => {
      const keys = textKeys(sentence);
      for (const k of periodKeys(sentence)) keys.add(k);
      const coverage = cover(primary, keys, contextKeys, weightOf);
      if (coverage === 0) return;
      const extraCoverage = secondary.length > 0 ? cover(secondary, keys, contextKeys, () => 1) : 0;
      const words = sentence.split(/\s+/).length;
      const score =
        coverage +
        extraWeight * extraCoverage +
        cueScore(constraints.types, sentence, constraints.words) +
        PRIOR_WEIGHT * prior +
        (order === 0 ? 0.05 : 0) -
        (words < 6 ? 0.2 : words > 70 ? 0.1 : 0);
      scored.push({
        passageIndex,
        order,
        sentence,
        keys,
        contextKeys,
        passageText: p.text,
        title: p.title,
        published: p.published,
        coverage,
        score,
      });
    });
  });
  return scored.sort((a, b) => b.score - a.score || a.passageIndex - b.passageIndex || a.order - b.order);
}

function quote(picked: readonly Scored[], passages: readonly Passage[]): OfflineAnswer {
  const citations: OfflineCitation[] = [];
  const parts: string[] = [];
  for (const s of picked) {
    // One number per article: two passages of the same article are one source to the reader.
    const articleId = passages[s.passageIndex]?.articleId;
    let c = citations.find((x) => passages[x.passageIndex]?.articleId === articleId);
    if (c) c.quote = `${c.quote} … ${s.sentence}`;
    else {
      c = { n: citations.length + 1, passageIndex: s.passageIndex, quote: s.sentence };
      citations.push(c);
    }
    parts.push(`${clip(s.sentence)} [${c.n}]`);
  }
  return { answer: parts.join(' '), grounded: true, citations };
}

/** Not grounded, saying which constraint failed and citing the closest evidence so the reader can check. */
function abstain(reason: AbstainReason, closest: readonly Scored[]): OfflineAnswer {
  const shown = closest.slice(0, MAX_SOURCES);
  const marks = shown.map((_, i) => `[${i + 1}]`).join(' ');
  return {
    answer: `I could not find an answer in the stored articles: ${reason.detail}. Closest sources: ${marks}`,
    grounded: false,
    citations: shown.map((s, i) => ({ n: i + 1, passageIndex: s.passageIndex, quote: s.sentence })),
    abstainedBecause: reason,
  };
}

function noEvidence(): AbstainReason {
  return { constraint: 'no-evidence', detail: 'no stored article covers enough of the question' };
}

function notFound(): OfflineAnswer {
  return { answer: NOT_FOUND_ANSWER, grounded: false, citations: [], abstainedBecause: noEvidence() };
}

/** Weighted share of `terms` found in the sentence (full credit) or only in its passage or title. */
function cover(
  terms: readonly QuestionTerm[],
  keys: Set<string>,
  contextKeys: Set<string>,
  weightOf: (t: QuestionTerm) => number,
): number {
  let hit = 0;
  let total = 0;
  for (const t of terms) {
    const w = weightOf(t);
    total += w;
    hit += keys.has(t.key) ? w : contextKeys.has(t.key) ? CONTEXT_CREDIT * w : 0;
  }
  return total === 0 ? 0 : hit / total;
}

/** Keys of the periods a text names, matching the period terms of withPeriodTerms. */
function periodKeys(text: string): string[] {
  return monthSpans(text).map(periodKey);
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  for (const k of a) if (b.has(k)) inter++;
  const union = a.size + b.size - inter;
  return union === 0 ? 1 : inter / union;
}

function clip(sentence: string): string {
  if (sentence.length <= MAX_SENTENCE_CHARS) return sentence;
  const cut = sentence.slice(0, MAX_SENTENCE_CHARS);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), MAX_SENTENCE_CHARS - 40)).trimEnd()} …`;
}
