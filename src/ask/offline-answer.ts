import { type QuestionTerm, questionTerms, textKeys } from '../search/question-terms.ts';
import type { Passage } from '../store/store.ts';
import { splitSentences } from '../text/sentences.ts';
import { STOPWORDS } from '../text/tokens.ts';

/**
 * The extractive answerer used without an LLM (and when the LLM fails): scores every sentence of
 * the retrieved passages against the question and quotes the best one or two, with citations.
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
}

export interface OfflineOptions {
  /** Context words from earlier turns of a thread. */
  extraTerms?: readonly string[];
  /** Their weight relative to the question's own words (default 0.3). */
  extraWeight?: number;
}

export const NOT_FOUND_ANSWER =
  'I could not find anything in the stored articles that answers this. Try naming the country, product or measure.';

/** Minimum share of the question's content terms the evidence must contain. */
export const MIN_COVERAGE = 0.5;
const PRIOR_WEIGHT = 0.3;
/** Context words only nudge the choice between sentences that fit the question itself. */
const EXTRA_SCALE = 0.25;
const SECOND_SENTENCE_RATIO = 0.75;
const MAX_SENTENCE_CHARS = 450;

type QuestionType = 'who' | 'amount' | 'when' | 'why' | 'say' | 'where';

const TYPE_RULES: [QuestionType, RegExp][] = [
  [
    'who',
    /\bwho(?:m|se)?\b|\bwhich (?:company|companies|country|countries|official|officials|minister|ministry|person|people|firms?|agency|group)\b/i,
  ],
  [
    'amount',
    /\bhow (?:much|many|high|large|big|low|steep)\b|\bwhat (?:\w+ )?(?:tariffs?|rates?|duty|duties|percentage|price|level|amount|value|volume|tax|levy|quota|size)\b/i,
  ],
  ['when', /\bwhen\b|\bwhat (?:date|day|time|year|month)\b|\bhow (?:soon|long)\b/i],
  ['why', /\bwhy\b|\bwhat (?:is|was) the reason\b|\bfor what reason\b|\bwhat prompted\b/i],
  ['say', /\b(?:say|said|says|react(?:ion|ed)?|respon(?:d|se|ded)|comment(?:ed)?|position|stance)\b/i],
  ['where', /\bwhere\b/i],
];

const AMOUNT =
  /\d(?:[\d.,]*)\s*(?:%|percent|per cent|pct|billion|million|bln|mln|trillion|dlrs|dollars|euros|yuan|yen|pounds|tonnes|tons|barrels)|[$€£¥]\s*\d/i;
const DATE =
  /\b(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tomorrow|next (?:week|month|year)|(?:19|20)\d{2})\b/i;
const REASON =
  /\b(?:because|due to|in order to|so as to|aimed (?:\w+ )?at|meant to|intended to|designed to|citing|to (?:protect|prevent|stop|curb|counter|shield|force|support|boost|punish)|in response to|in retaliation|as a result|over concerns?|reason)\b/i;
/** Words that often, but not always, introduce a cause ("after", "amid"). */
const WEAK_REASON = /\b(?:after|amid|following)\b/i;
const SPEECH =
  /\b(?:said|says|statement|called|warned|opposed|welcomed|critici[sz]ed|condemned|urged|vowed|rejected|argued|told|announced|responded|denied)\b/i;
const NAME_RUN = /\b\p{Lu}[\p{Ll}'’-]+(?:\s+\p{Lu}[\p{Ll}'’-]+)+/gu;
const CAPITAL = /(?<=\s)\p{Lu}[\p{L}.'’-]*/gu;

interface Scored {
  passageIndex: number;
  order: number;
  sentence: string;
  keys: Set<string>;
  coverage: number;
  entitiesOk: boolean;
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

  const types = new Set(TYPE_RULES.filter(([, re]) => re.test(question)).map(([t]) => t));
  const questionWords = new Set(question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
  const extraWeight = EXTRA_SCALE * (opts.extraWeight ?? 0.3);
  const topPrior = Math.max(...passages.map((p) => p.score), 0) || 1;

  const scored: Scored[] = [];
  passages.forEach((p, passageIndex) => {
    const titleKeys = textKeys(p.title);
    const prior = Math.max(0, p.score) / topPrior;
    splitSentences(p.text).forEach((sentence, order) => {
      const keys = textKeys(sentence);
      const coverage = cover(primary, keys, titleKeys);
      if (coverage === 0) return;
      const entitiesOk = primary.every((t) => !t.entity || keys.has(t.key) || titleKeys.has(t.key));
      const extraCoverage = secondary.length > 0 ? cover(secondary, keys, titleKeys) : 0;
      const words = sentence.split(/\s+/).length;
      const score =
        coverage +
        extraWeight * extraCoverage +
        cueScore(types, sentence, questionWords) +
        PRIOR_WEIGHT * prior +
        (order === 0 ? 0.05 : 0) -
        (words < 6 ? 0.2 : words > 70 ? 0.1 : 0) -
        (entitiesOk ? 0 : 0.3);
      scored.push({ passageIndex, order, sentence, keys, coverage, entitiesOk, score });
    });
  });
  scored.sort((a, b) => b.score - a.score || a.passageIndex - b.passageIndex || a.order - b.order);
  const best = scored[0];
  if (!best || best.coverage < MIN_COVERAGE || !best.entitiesOk) return notFound();

  const picked = [best];
  const second = scored.find(
    (s) =>
      s !== best &&
      s.entitiesOk &&
      s.score >= SECOND_SENTENCE_RATIO * best.score &&
      s.sentence !== best.sentence &&
      jaccard(s.keys, best.keys) < 0.5,
  );
  if (second) picked.push(second);
  // Two sentences of one passage read best in the order they were written.
  if (second && second.passageIndex === best.passageIndex && second.order < best.order) picked.reverse();

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

function notFound(): OfflineAnswer {
  return { answer: NOT_FOUND_ANSWER, grounded: false, citations: [] };
}

/** Share of `terms` found in the sentence (full credit) or only in its article's title (half credit). */
function cover(terms: readonly QuestionTerm[], keys: Set<string>, titleKeys: Set<string>): number {
  let hit = 0;
  for (const t of terms) hit += keys.has(t.key) ? 1 : titleKeys.has(t.key) ? 0.5 : 0;
  return hit / terms.length;
}

/** Bonus for sentences that have the kind of thing the question asks for. */
function cueScore(types: Set<QuestionType>, sentence: string, questionWords: Set<string>): number {
  let bonus = 0;
  if (types.has('who'))
    bonus +=
      newNames(sentence, questionWords) > 0 ? 0.35 : newCapitals(sentence, questionWords) > 0 ? 0.15 : 0;
  if (types.has('amount')) bonus += AMOUNT.test(sentence) ? 0.35 : /\d/.test(sentence) ? 0.1 : 0;
  if (types.has('when')) bonus += DATE.test(sentence) ? 0.35 : 0;
  if (types.has('why')) bonus += REASON.test(sentence) ? 0.5 : WEAK_REASON.test(sentence) ? 0.2 : 0;
  if (types.has('say')) bonus += SPEECH.test(sentence) ? 0.35 : 0;
  if (types.has('where')) bonus += newCapitals(sentence, questionWords) > 0 ? 0.2 : 0;
  return bonus;
}

/** Multi-word capitalised runs (likely names) with a word the question does not already contain. */
function newNames(sentence: string, questionWords: Set<string>): number {
  let n = 0;
  for (const m of sentence.matchAll(NAME_RUN)) {
    const parts = m[0].split(/\s+/).filter((w) => !STOPWORDS.has(w.toLowerCase()) && !DATE.test(w));
    if (parts.length >= 2 && parts.some((w) => !questionWords.has(w.toLowerCase()))) n++;
  }
  return n;
}

/** Capitalised words inside the sentence (not its first word) that the question does not contain. */
function newCapitals(sentence: string, questionWords: Set<string>): number {
  let n = 0;
  for (const m of sentence.matchAll(CAPITAL)) {
    const w = m[0].toLowerCase().replace(/['’]s$/, '');
    if (!questionWords.has(w) && !STOPWORDS.has(w) && !DATE.test(w)) n++;
  }
  return n;
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
