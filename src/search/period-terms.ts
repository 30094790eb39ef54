import { describeSpan, type MonthSpan, monthSpans } from '../text/periods.ts';
import { type QuestionTerm, termKey } from './question-terms.ts';

/**
 * A question's reporting period, searched in all the ways news writes it: "January-February 1987"
 * also finds "the first two months of this year", "October-December" finds "fourth quarter" and
 * "final quarter", "first half" finds "January-June". The period's own words (months, "quarter",
 * "half", "months" and the ordinal before them) become one search term with those phrases as forms,
 * so an article that says it another way is not one term short in every search tier.
 */

const ORDINAL = ['', 'first', 'second', 'third', 'fourth'];
const COUNT = ['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven'];
const PERIOD_WORDS = `january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec quarter quarters qtr half months q1 q2 q3 q4 h1 h2`;
const PERIOD_KEYS: ReadonlySet<string> = new Set(PERIOD_WORDS.split(/\s+/).filter(Boolean).map(termKey));
const ORDINAL_BEFORE_PERIOD =
  /\b(first|second|third|fourth|final|last|1st|2nd|3rd|4th)[ -](?:quarter|qtr|half|\w+ months)\b/gi;

/** The key of a period term ("period:1-3"), also what the answerer adds for a sentence naming it. */
export const periodKey = (s: MonthSpan): string => `period:${s.from}-${s.to}`;

/** Phrases that name the span (lower case, words only). */
export function periodForms(s: MonthSpan): string[] {
  const names = describeSpan(s).toLowerCase().split('–');
  const forms = [names.join(' ')];
  const length = s.to - s.from + 1;
  if (length === 3 && s.from % 3 === 1) {
    const q = (s.from + 2) / 3;
    forms.push(`${ORDINAL[q]} quarter`, `q${q}`);
    if (q === 4) forms.push('final quarter', 'last quarter');
  }
  if (length === 6 && s.from % 6 === 1) forms.push(`${ORDINAL[(s.from + 5) / 6]} half`);
  if (s.from === 1 && length > 1)
    forms.push(`first ${COUNT[length] ?? length} months`, `first ${length} months`);
  return [...new Set(forms)];
}

/** `terms` with the question's period words replaced by one term per period it names. */
export function withPeriodTerms(question: string, terms: readonly QuestionTerm[]): QuestionTerm[] {
  const spans = monthSpans(question).filter((s) => s.from !== s.to);
  if (spans.length === 0) return [...terms];
  const ordinals = new Set(
    [...question.matchAll(ORDINAL_BEFORE_PERIOD)].map((m) => termKey(m[1]!.toLowerCase())),
  );
  const out: QuestionTerm[] = [];
  let placed = false;
  for (const t of terms) {
    if (!PERIOD_KEYS.has(t.key) && !ordinals.has(t.key)) {
      out.push(t);
      continue;
    }
    if (placed) continue;
    placed = true;
    for (const s of spans) out.push({ key: periodKey(s), forms: periodForms(s), entity: false });
  }
  if (!placed) for (const s of spans) out.push({ key: periodKey(s), forms: periodForms(s), entity: false });
  return out;
}
