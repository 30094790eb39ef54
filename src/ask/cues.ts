import { STOPWORDS } from '../text/tokens.ts';

/**
 * What kind of thing a question asks for, and whether a sentence has that kind of thing: a name
 * for "who", a figure for "how much", a date for "when". Shared by sentence scoring and abstention.
 */

export type QuestionType = 'who' | 'amount' | 'when' | 'why' | 'say' | 'where';

const MEASURE =
  'tariffs?|rates?|duty|duties|percentage|price|prices|level|amount|value|volume|tax|levy|quota|size|ceiling|limit|total|share|surplus|deficit|shortfall|figure|cost|bonus|subsidy|target|floor|high|low|growth|increase|rise|fall|decline';
const TYPE_RULES: [QuestionType, RegExp][] = [
  [
    'who',
    /\bwho(?:m|se)?\b|\bwhich (?:\w+ )?(?:company|companies|official|officials|minister|ministry|person|people|firms?|agency|group|executive|delegate|man|woman|senator|chairman)\b/i,
  ],
  [
    'amount',
    new RegExp(
      `\\bhow (?:much|many|high|large|big|low|steep|wide|fast|far)\\b|\\b(?:what|which) (?:[\\w'’-]+ ){0,4}(?:${MEASURE})\\b`,
      'i',
    ),
  ],
  ['when', /\bwhen\b|\bwhat (?:date|day|time|year|month|time frame|period)\b|\bhow (?:soon|long)\b/i],
  ['why', /\bwhy\b|\bwhat (?:is|was) the reason\b|\bfor what reason\b|\bwhat prompted\b/i],
  ['say', /\b(?:say|said|says|react(?:ion|ed)?|respon(?:d|se|ded)|comment(?:ed)?|position|stance)\b/i],
  ['where', /\bwhere\b/i],
];

export function questionTypes(question: string): Set<QuestionType> {
  return new Set(TYPE_RULES.filter(([, re]) => re.test(question)).map(([t]) => t));
}

export const AMOUNT =
  /\d(?:[\d.,]*)\s*(?:%|percent|per cent|pct|billion|million|bln|mln|trillion|dlrs|dollars|euros|yuan|yen|pounds|stg|francs|marks|won|cts|cents|tonnes|tons|barrels|bushels?)|[$€£¥]\s*\d/i;
const NUMBER_WORD =
  /\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|a dozen|half)\s+(?:billion|million|mln|bln|trillion|pct|percent|per cent|tonnes|dlrs|dollars|pct|years?|months?|weeks?|days?)\b/i;
export const DATE =
  /\b(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tomorrow|next (?:week|month|year)|(?:19|20)\d{2})\b/i;
const DURATION = /\b(?:within|over|for|in) (?:the next )?(?:\w+ )?(?:years?|months?|weeks?|days?)\b/i;
export const REASON =
  /\b(?:because|due to|in order to|so as to|aimed (?:\w+ )?at|meant to|intended to|designed to|citing|to (?:protect|prevent|stop|curb|counter|shield|force|support|boost|punish)|in response to|in retaliation|as a result|over concerns?|reason)\b/i;
/** Words that often, but not always, introduce a cause ("after", "amid"). */
export const WEAK_REASON = /\b(?:after|amid|following)\b/i;
export const SPEECH =
  /\b(?:said|says|statement|called|warned|opposed|welcomed|critici[sz]ed|condemned|urged|vowed|rejected|argued|told|announced|responded|denied)\b/i;
export const NAME_RUN = /\b\p{Lu}[\p{Ll}'’-]+(?:\s+\p{Lu}[\p{Ll}'’-]+)+/gu;
export const CAPITAL = /(?<=\s)\p{Lu}[\p{L}.'’-]*/gu;
const NUMBER = /\d[\d.,]*\d|\d/g;
const YEAR_ONLY = /^(?:19|20)\d\d$/;

const SCALED_WORD =
  /\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|half)\s+(?:billion|million|mln|bln|trillion|pct|percent|per cent|tonnes|dlrs|dollars)\b/i;

/**
 * Figures in a sentence the question does not itself contain: an amount with a unit, a number
 * word with a scale ("five billion dlrs"), or any other number when `bare` (a "how many" question).
 */
export function newFigures(sentence: string, questionWords: ReadonlySet<string>, bare = true): number {
  let n = 0;
  for (const m of sentence.matchAll(NUMBER)) {
    const num = m[0];
    if (questionWords.has(num.toLowerCase()) || YEAR_ONLY.test(num)) continue;
    if (bare || /[.,]\d/.test(num)) n++;
  }
  if (!bare && AMOUNT.test(sentence)) n++;
  if (SCALED_WORD.test(sentence)) n++;
  return n;
}

export function hasDate(sentence: string): boolean {
  return DATE.test(sentence) || DURATION.test(sentence) || NUMBER_WORD.test(sentence);
}

/** Multi-word capitalised runs (likely names) with a word the question does not already contain. */
export function newNames(sentence: string, questionWords: ReadonlySet<string>): number {
  let n = 0;
  for (const m of sentence.matchAll(NAME_RUN)) {
    const parts = m[0].split(/\s+/).filter((w) => !STOPWORDS.has(w.toLowerCase()) && !DATE.test(w));
    if (parts.length >= 2 && parts.some((w) => !questionWords.has(w.toLowerCase().replace(/['’]s$/, ''))))
      n++;
  }
  return n;
}

/** Capitalised words inside the sentence (not its first word) that the question does not contain. */
export function newCapitals(sentence: string, questionWords: ReadonlySet<string>): number {
  let n = 0;
  for (const m of sentence.matchAll(CAPITAL)) {
    const w = m[0].toLowerCase().replace(/['’]s$/, '');
    if (!questionWords.has(w) && !STOPWORDS.has(w) && !DATE.test(w)) n++;
  }
  return n;
}

/** Bonus for sentences that have the kind of thing the question asks for. */
export function cueScore(
  types: Set<QuestionType>,
  sentence: string,
  questionWords: ReadonlySet<string>,
): number {
  let bonus = 0;
  if (types.has('who'))
    bonus +=
      newNames(sentence, questionWords) > 0 ? 0.35 : newCapitals(sentence, questionWords) > 0 ? 0.15 : 0;
  if (types.has('amount'))
    bonus += AMOUNT.test(sentence) ? 0.35 : newFigures(sentence, questionWords) > 0 ? 0.15 : 0;
  if (types.has('when')) bonus += hasDate(sentence) ? 0.35 : 0;
  if (types.has('why')) bonus += REASON.test(sentence) ? 0.5 : WEAK_REASON.test(sentence) ? 0.2 : 0;
  if (types.has('say')) bonus += SPEECH.test(sentence) ? 0.35 : 0;
  if (types.has('where')) bonus += newCapitals(sentence, questionWords) > 0 ? 0.2 : 0;
  return bonus;
}
