import { splitSentences } from '../text/sentences.ts';
import { STOPWORDS } from '../text/tokens.ts';

/**
 * Figures in a text with the word they belong to, used to tell templated recurring reports (same
 * wording, new figures) from copies and rewrites of one report (same figures).
 */

/** Words for fingerprints: like tokens.ts `words`, but keeps "155,221" and "6-3/16" whole. */
const TOKEN = /[\p{L}\p{N}]+(?:['’.,\-/][\p{L}\p{N}]+)*/gu;
export function fingerprintTokens(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

const SPELLED: ReadonlyMap<string, string> = new Map(
  'one two three four five six seven eight nine ten eleven twelve'
    .split(' ')
    .map((w, i) => [w, String(i + 1)]),
);
const SCALE: ReadonlyMap<string, string> = new Map([
  ['thousand', 'k'],
  ['million', 'm'],
  ['mln', 'm'],
  ['billion', 'b'],
  ['bln', 'b'],
  ['trillion', 't'],
  ['pct', '%'],
  ['percent', '%'],
]);
const UNITS: ReadonlySet<string> = new Set(
  (
    'dlr dlrs dollar dollars yen marks francs pounds stg tonnes tonne tons ton bushels barrels points point ' +
    'cents cent shares years year months month weeks week days day'
  ).split(' '),
);
const MONTHS: ReadonlySet<string> = new Set(
  (
    'jan january feb february mar march apr april may jun june jul july aug august sep sept september ' +
    'oct october nov november dec december'
  ).split(' '),
);

/**
 * Adds `context:value` entries for the figures in one sentence's tokens: the context is the last content
 * word before the figure (`arrange:1.5b`, `trading:6-3/16%`, `price:apr-6`). Templated recurring
 * reports share the contexts but not the values; copies share both.
 */
export function collectNumbers(toks: readonly string[], out: Set<string>): void {
  let ctx = '^';
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const next = toks[i + 1] ?? '';
    const c = t.charCodeAt(0);
    let value: string | undefined;
    if (c >= 48 && c <= 57) value = t.replace(/,/g, '');
    else if (SPELLED.has(t) && (SCALE.has(next) || UNITS.has(next))) value = SPELLED.get(t);
    if (value === undefined) {
      if (!STOPWORDS.has(t) && !MONTHS.has(t) && !SPELLED.has(t)) ctx = t;
      continue;
    }
    const prev = toks[i - 1] ?? '';
    if (MONTHS.has(prev)) value = `${prev.slice(0, 3)}-${value}`;
    const scale = SCALE.get(next);
    if (scale !== undefined) {
      value += scale;
      i++;
    }
    out.add(`${ctx}:${value}`);
  }
}

/** The figures of a text (see collectNumbers), sorted. */
export function extractNumbers(text: string): string[] {
  const out = new Set<string>();
  for (const s of splitSentences(text)) collectNumbers(fingerprintTokens(s), out);
  return [...out].sort();
}
