import { type QuestionTerm, questionTerms, termKey, textKeys } from '../search/question-terms.ts';
import { describeSpan, type MonthSpan, monthSpans, sameSpan, yearsIn } from '../text/periods.ts';
import { CAPITAL, DATE, hasDate, NAME_RUN, newFigures, type QuestionType, questionTypes } from './cues.ts';
import { PRODUCT_SYNONYMS, PRODUCT_WORDS } from './products.ts';

/**
 * The key constraints of a question — who or what it is about (entities), which goods (products),
 * which period, and what kind of answer — and the check that a piece of evidence supports each of
 * them. An answer is only given from evidence that supports all of them; otherwise the answerer
 * abstains and says which constraint was not supported.
 */

export type ConstraintKind = 'entity' | 'product' | 'measure' | 'period' | 'answer-type';

export interface AbstainReason {
  /**
   * The constraint the best evidence did not support; 'no-evidence' when nothing fit at all;
   * 'model' when the LLM said the sources do not answer, or cited none of them.
   */
  constraint: ConstraintKind | 'no-evidence' | 'model';
  /** Human-readable: what the question asks for that the evidence does not say. */
  detail: string;
}

export interface QuestionConstraints {
  entities: QuestionTerm[];
  products: QuestionTerm[];
  spans: MonthSpan[];
  years: number[];
  types: Set<QuestionType>;
  /** Measures the question asks about ("deficit", "price"): the quoted sentence must name one. */
  measures: string[];
  /** Lower-cased words of the question (to tell new names and figures from the question's own). */
  words: Set<string>;
  /** Canonical keys of the question's words. */
  keys: Set<string>;
}

export interface Evidence {
  sentence: string;
  /** Canonical keys of the sentence (textKeys). */
  keys: Set<string>;
  /** Keys of the sentence's passage and article title together. */
  contextKeys: Set<string>;
  passageText: string;
  title: string;
  published: string;
}

/**
 * Capitalised words that are roles and institutions, not names ("Board of Foreign Trade director"):
 * sources say "the board", "the ministry" or leave them out, so they are not key constraints.
 */
const ROLE_KEYS: ReadonlySet<string> = new Set(
  `board trade secretary minister ministry department commission committee council agency bank director
president chairman office bureau institute association federation union court tribunal senator house`
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => termKey(w)),
);
/** A year named as the base of a comparison ("from 17.48 billion in 1985", "against … 1986"). */
const COMPARED_YEAR =
  /\b(?:against|from|compared (?:with|to)|versus|vs|than|over)\b(?:[^.;]|\.(?=\d)){0,40}?\b(?:19[5-9]\d|20\d\d)\b/gi;
/** A measure is asked for when it heads the question ("how large was France's trade deficit"). */
const askedMeasure = (m: string) =>
  new RegExp(`\\b(?:what|which|how \\w+)\\s+(?:[\\w'’-]+\\s+){0,4}?${m}s?\\b`, 'i');
const PRODUCT_KEYS: ReadonlySet<string> = new Set(PRODUCT_WORDS.map((w) => termKey(w)));
/** Product key → keys of the words that also name it. */
const PRODUCT_ALTERNATIVES = new Map<string, Set<string>>();
for (const group of PRODUCT_SYNONYMS) {
  const keys = group.map((w) => termKey(w));
  for (const k of keys) {
    const alt = PRODUCT_ALTERNATIVES.get(k) ?? new Set([k]);
    for (const other of keys) alt.add(other);
    PRODUCT_ALTERNATIVES.set(k, alt);
  }
}
/** Measures, each with the words that state it ("shortfall" is a deficit). */
const MEASURE_WORDS: Readonly<Record<string, readonly string[]>> = {
  deficit: ['deficit', 'shortfall', 'gap'],
  surplus: ['surplus'],
  price: ['price', 'prices', 'priced', 'cost'],
};

export function questionConstraints(question: string, terms = questionTerms(question)): QuestionConstraints {
  return {
    entities: terms.filter((t) => t.entity && !ROLE_KEYS.has(t.key)),
    products: terms.filter((t) => !t.entity && PRODUCT_KEYS.has(t.key)),
    spans: monthSpans(question),
    years: [...yearsIn(question)],
    types: questionTypes(question),
    measures: Object.keys(MEASURE_WORDS).filter((m) => askedMeasure(m).test(question)),
    keys: textKeys(question),
    words: new Set(
      question.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}.,]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu) ?? [],
    ),
  };
}

/** The first constraint `e` does not support, or null when it supports them all. */
export function unsupported(c: QuestionConstraints, e: Evidence): AbstainReason | null {
  for (const t of c.entities) {
    if (!e.keys.has(t.key) && !e.contextKeys.has(t.key) && !spelledOut(t, e))
      return { constraint: 'entity', detail: `the sources do not mention ${t.forms[0] ?? t.key}` };
  }
  for (const t of c.products) {
    const alternatives = PRODUCT_ALTERNATIVES.get(t.key) ?? new Set([t.key]);
    if (![...alternatives].some((k) => e.keys.has(k) || e.contextKeys.has(k)))
      return { constraint: 'product', detail: `the sources do not mention ${t.forms[0] ?? t.key}` };
  }
  for (const m of c.measures) {
    const words = MEASURE_WORDS[m] ?? [m];
    if (!words.some((w) => new RegExp(`\\b${w}\\b`, 'i').test(e.sentence)))
      return { constraint: 'measure', detail: `the closest source does not state a ${m}` };
  }
  const period = periodProblem(c, e);
  if (period) return { constraint: 'period', detail: period };
  const kind = answerTypeProblem(c, e.sentence);
  if (kind) return { constraint: 'answer-type', detail: kind };
  return null;
}

/**
 * A period the question names must be the one the evidence reports. The sentence's own periods
 * count first, then the article title's; when neither names a month, the publication month stands
 * in (a wire story about "today's" ruling). Years must appear in the passage or be the year of
 * publication (or the year before it, when the passage says "last year").
 */
function periodProblem(c: QuestionConstraints, e: Evidence): string | null {
  if (c.spans.length > 0) {
    let reported = monthSpans(e.sentence);
    if (reported.length === 0) reported = monthSpans(e.title);
    // A figure for a period (a surplus, a price) states its period; an event's date may be the dateline's.
    if (reported.length === 0 && c.measures.length > 0) reported = monthSpans(e.passageText);
    const publishedMonth = Number(e.published.slice(5, 7));
    for (const want of c.spans) {
      const ok =
        reported.length > 0
          ? reported.some((r) => sameSpan(r, want))
          : want.from === want.to && want.from === publishedMonth;
      if (!ok) {
        const got = reported.length > 0 ? reported.map(describeSpan).join(', ') : 'no matching period';
        return `the question asks about ${describeSpan(want)}; the closest source reports ${got}`;
      }
    }
  }
  if (c.years.length > 0) {
    const text = `${e.title}\n${e.passageText}`;
    const years = yearsIn(text);
    const publishedYear = Number(e.published.slice(0, 4));
    for (const y of c.years) {
      const ok =
        years.has(y) ||
        y === publishedYear ||
        (y === publishedYear - 1 && /\b(?:last year|a year (?:ago|earlier)|previous year)\b/i.test(text));
      if (!ok) return `the question asks about ${y}; the closest source does not report that year`;
    }
    // A sentence that dates its own figure to other years reports those years, not the one asked.
    // ("… 110 mln dlrs against 295 mln in February 1986": the year after "against" is the comparison).
    const own = yearsIn(e.sentence.replace(COMPARED_YEAR, ' '));
    const relative = /\b(?:this|last|next) year\b/i.test(e.sentence);
    if (own.size > 0 && !relative && !c.years.some((y) => own.has(y)))
      return `the question asks about ${c.years.join(', ')}; the closest source reports ${[...own].join(', ')}`;
  }
  return null;
}

/** A who/how-much/when question needs a sentence with a new name, a figure or a date. */
function answerTypeProblem(c: QuestionConstraints, sentence: string): string | null {
  if (c.types.has('who') && !namesBeyond(sentence, c.keys))
    return 'the question asks who; the closest source names no one beyond the question itself';
  const bare = /\bhow many\b/i.test([...c.words].join(' ')) || c.words.has('many');
  if (c.types.has('amount') && !c.types.has('who') && newFigures(sentence, c.words, bare) === 0)
    return 'the question asks for a figure; the closest source gives none';
  if (
    c.types.has('when') &&
    !c.types.has('amount') &&
    !hasDate(sentence) &&
    newFigures(sentence, c.words) === 0
  )
    return 'the question asks when; the closest source gives no date';
  return null;
}

/** Keys of a passage and its title, for constraint checks beyond the quoted sentence. */
export function contextKeysOf(passageText: string, title: string): Set<string> {
  const keys = textKeys(passageText);
  for (const k of textKeys(title)) keys.add(k);
  return keys;
}

/** An acronym in the question ("IEA") spelled out in the evidence ("International Energy Agency"). */
function spelledOut(t: QuestionTerm, e: Evidence): boolean {
  const acronym = t.forms.find((f) => /^[a-z]{2,6}$/.test(f));
  if (!acronym) return false;
  const initials = `${e.title}\n${e.passageText}`
    .split(/[^\p{L}]+/u)
    .filter((w) => /^\p{Lu}/u.test(w) && !/^(?:of|and|for|the)$/i.test(w))
    .map((w) => w[0]?.toLowerCase() ?? '')
    .join('');
  return initials.includes(acronym);
}

/** Whether the sentence names someone or something (a capitalised name) the question does not. */
function namesBeyond(sentence: string, questionKeys: ReadonlySet<string>): boolean {
  const runs = [...sentence.matchAll(NAME_RUN)].map((m) => m[0]);
  const rest = sentence.replace(NAME_RUN, ' ');
  runs.push(...[...rest.matchAll(CAPITAL)].map((m) => m[0]));
  return runs.some((run) => [...textKeys(run)].some((k) => !questionKeys.has(k) && !DATE.test(k)));
}
