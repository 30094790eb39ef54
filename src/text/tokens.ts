import { stemmer } from 'stemmer';

/**
 * Shared word handling for grouping, search, watches and the offline summariser,
 * so that "tariffs" means the same thing to all of them.
 */

const WORD = /[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*/gu;

export const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers
herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once
only or other our ours ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours yourself yourselves said says also mr mrs ms would could
s t per`
    .split(/\s+/)
    .filter(Boolean),
);

/** Lower-cased words in order (keeps internal apostrophes, dots and hyphens: "u.s.", "anti-dumping"). */
export function words(text: string): string[] {
  const out: string[] = [];
  let lower = text.toLowerCase();
  if (lower.includes('’')) lower = lower.replaceAll('’', "'");
  for (const m of lower.matchAll(WORD)) out.push(m[0]);
  return out;
}

const stemCache = new Map<string, string>();
const ALPHA = /^[a-z]+$/;

/** Porter stem of one lower-cased word, cached (stemming dominates tokenising cost). */
export function stem(word: string): string {
  const cached = stemCache.get(word);
  if (cached !== undefined) return cached;
  // Numbers, abbreviations and hyphenated words are kept as they are, and not cached: they would
  // crowd the real vocabulary out of the cache.
  if (!ALPHA.test(word)) return word;
  const s = stemmer(word);
  if (stemCache.size < 300_000) stemCache.set(word, s);
  return s;
}

/** Stemmed content terms: words minus stopwords, stemmed. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (STOPWORDS.has(w)) continue;
    out.push(stem(w));
  }
  return out;
}

/** Whitespace-normalised text, for hashing and comparison. */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}
