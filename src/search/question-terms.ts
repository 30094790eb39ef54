import { STOPWORDS, stem } from '../text/tokens.ts';
import { ALIAS_GROUPS, IRREGULAR, MULTIWORD_CODES, QUESTION_FILLER, SEARCH_FORMS } from './lexicon.ts';

/**
 * Question analysis: free text → the content terms to search for (each with its alternative forms),
 * and the term normalisation the answerer shares with it. What a backend does with the terms is the
 * store's business (src/store/retrieval.ts); nothing here is search-engine syntax.
 */

const CANONICAL = new Map<string, string>();
const FORMS = new Map<string, readonly string[]>();
for (const group of [...ALIAS_GROUPS, ...IRREGULAR]) {
  const base = stem(group[0]!);
  for (const form of group) {
    CANONICAL.set(form, base);
    if (/^[a-z]+$/.test(form)) CANONICAL.set(stem(form), base);
  }
  FORMS.set(base, SEARCH_FORMS[group[0]!] ?? group);
}

/** A word: letters/digits with inner apostrophes and dots ("China's", "U.S", "1.5"); hyphens split. */
const WORD = /[\p{L}\p{N}]+(?:['’.][\p{L}\p{N}]+)*/gu;

const MULTIWORD = new RegExp(`\\b(?:${Object.keys(MULTIWORD_CODES).join('|')})\\b`, 'gi');
const foldMultiword = (text: string): string =>
  text.replace(MULTIWORD, (m) => MULTIWORD_CODES[m.toLowerCase()] ?? m);

const isAlias = (word: string): boolean => CANONICAL.has(word) || CANONICAL.has(word.replace(/\./g, ''));

/** One lower-cased word → its canonical stemmed key ("China's" → china, "spoke" → speak). */
export function termKey(word: string): string {
  let w = word.replace(/['’]s?$/, '');
  if (w.includes('.') && /^(?:[a-z]\.)+[a-z]?$/.test(w)) w = w.replace(/\./g, '');
  const s = stem(w);
  return CANONICAL.get(w) ?? CANONICAL.get(s) ?? s;
}

/** Canonical keys of every content word in `text` (aliases such as "U.S." count even if a stopword). */
export function textKeys(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of foldMultiword(text).toLowerCase().matchAll(WORD)) {
    const w = m[0].replace(/’/g, "'");
    if (STOPWORDS.has(w) && !isAlias(w)) continue;
    const k = termKey(w);
    if (k) out.add(k);
  }
  return out;
}

export interface QuestionTerm {
  /** Canonical stemmed key, for matching against `textKeys`. */
  key: string;
  /** Phrases to search for (surface form, aliases, irregular forms), lower-case, letters/digits/spaces only. */
  forms: string[];
  /** Written with a capital in the question: a name the answer has to be about. */
  entity: boolean;
}

interface Token {
  raw: string;
  lower: string;
  capital: boolean;
  index: number;
  /** What separates it from the next token. */
  joiner: string;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    const prev = tokens[tokens.length - 1];
    if (prev) prev.joiner = text.slice(prev.index + prev.raw.length, m.index);
    const lower = m[0].toLowerCase().replace(/’/g, "'");
    tokens.push({ raw: m[0], lower, capital: /^\p{Lu}/u.test(m[0]), index: m.index, joiner: '' });
  }
  return tokens;
}

/** Months and weekdays are periods, not parts of a name ("Brazil's March trade surplus"). */
const CALENDAR =
  /^(?:january|february|march|april|may|june|july|august|september|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday)$/;

const isStop = (lower: string): boolean => STOPWORDS.has(lower) || QUESTION_FILLER.has(lower);
const clean = (form: string): string => form.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/**
 * Content terms of a question: stopwords and question filler removed, aliases and stems folded,
 * deduplicated. A two-word capitalised name ("South Korea", "Liu He", "Katherine Tai") is one
 * term searched as a phrase, and so is a hyphenated compound. In a Title Case Question nothing counts as a name except known aliases.
 */
export function questionTerms(text: string): QuestionTerm[] {
  const out: QuestionTerm[] = [];
  const byKey = new Map<string, QuestionTerm>();
  const add = (key: string, forms: string[], entity: boolean) => {
    const existing = byKey.get(key);
    if (existing) {
      for (const f of forms) if (f && !existing.forms.includes(f)) existing.forms.push(f);
      existing.entity ||= entity;
      return;
    }
    const term: QuestionTerm = { key, forms: [...new Set(forms.filter(Boolean))], entity };
    byKey.set(key, term);
    out.push(term);
  };
  const tokens = tokenize(foldMultiword(text));
  const letters = tokens.filter((t) => /^\p{L}/u.test(t.raw));
  const titleCase = letters.length >= 4 && letters.filter((t) => t.capital).length / letters.length >= 0.75;
  const capitalised = (i: number) => !titleCase && tokens[i]?.capital === true;

  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const next = tokens[i + 1];
    // A hyphenated compound ("anti-dumping", "hot-rolled") is one term; "Japan-UK" is two names.
    if (tok.joiner === '-' && !(tok.capital && next?.capital)) {
      let j = i;
      while (tokens[j]?.joiner === '-' && tokens[j + 1]) j++;
      const parts = tokens.slice(i, j + 1).map((t) => t.lower);
      const head = [...parts].reverse().find((p) => !isStop(p)) ?? parts[parts.length - 1]!;
      add(termKey(head), [clean(parts.join(' '))], false);
      i = j;
      continue;
    }
    // Exactly two capitalised words in a row, the first a content word: a name, searched as a phrase.
    if (
      next &&
      /^ +$/.test(tok.joiner) &&
      capitalised(i) &&
      capitalised(i + 1) &&
      !capitalised(i - 1) &&
      !capitalised(i + 2) &&
      !isStop(tok.lower) &&
      // "Taiwan's Council": an owner and what it owns, two terms, not one name.
      !/['’]s$/.test(tok.raw) &&
      !(isAlias(tok.lower) && isAlias(next.lower)) &&
      !CALENDAR.test(tok.lower) &&
      !CALENDAR.test(next.lower)
    ) {
      const head = isStop(next.lower) ? tok.lower : next.lower;
      const variants = isAlias(next.lower) ? (ALIAS_GROUPS.find((g) => g.includes(next.lower)) ?? []) : [];
      const phrases = [next.lower, ...variants].map((w) => clean(`${tok.lower} ${w}`));
      add(termKey(head), phrases, true);
      i++;
      continue;
    }
    const alias = isAlias(tok.lower);
    // "US" the country survives; "us" the pronoun is a stopword.
    if (tok.lower === 'us' && tok.raw !== 'US') continue;
    if (isStop(tok.lower) && !(alias && tok.capital)) continue;
    if (tok.lower.length < 2 && !/\d/.test(tok.lower)) continue;
    const key = termKey(tok.lower);
    if (!key) continue;
    const forms = alias
      ? [...(FORMS.get(key) ?? [tok.lower])]
      : [tok.lower.replace(/'s?$/, ''), ...(FORMS.get(key) ?? [])];
    // A capitalised word is a name the answer must be about; the first word only if it is a known alias.
    const name = (capitalised(i) && tok.index !== 0 && !CALENDAR.test(tok.lower)) || (alias && tok.capital);
    add(key, forms.map(clean), name);
  }
  return out;
}
