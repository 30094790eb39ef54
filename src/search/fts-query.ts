import { STOPWORDS, stem } from '../text/tokens.ts';
import { ALIAS_GROUPS, IRREGULAR, MULTIWORD_CODES, QUESTION_FILLER, SEARCH_FORMS } from './lexicon.ts';

/**
 * Free text → safe FTS5 MATCH expressions, and the term normalisation the answerer shares with it.
 *
 * Raw user text never reaches FTS5: every term is reduced to letters and digits and double-quoted,
 * so operators (AND, OR, NOT, NEAR), column filters, `*`, `^` and stray quotes are inert. Terms are
 * OR-ed so BM25 ranks passages by how many (and how rare) terms they contain.
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
      !(isAlias(tok.lower) && isAlias(next.lower))
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
    add(key, forms.map(clean), (capitalised(i) && tok.index !== 0) || (alias && tok.capital));
  }
  return out;
}

/** Quote one phrase for FTS5: only letters, digits and single spaces survive, so it cannot be an operator. */
export function quotePhrase(phrase: string): string | null {
  const clean = phrase
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .toLowerCase();
  return clean ? `"${clean}"` : null;
}

/**
 * An FTS5 MATCH expression that ORs every form of every term, or null when nothing searchable is
 * left (the caller must then skip the search: an empty MATCH is a syntax error).
 */
export function buildMatch(terms: readonly QuestionTerm[], maxTerms = 16): string | null {
  const phrases = new Set<string>();
  for (const t of terms.slice(0, maxTerms)) {
    for (const f of t.forms) {
      const q = quotePhrase(f);
      if (q) phrases.add(q);
    }
  }
  return phrases.size === 0 ? null : [...phrases].join(' OR ');
}

/** Most term groups the tiered expressions combine (longer questions keep their first ones). */
export const MAX_TIER_TERMS = 8;
/** Combination clauses allowed in one "at least m of n" expression. */
const MAX_CLAUSES = 28;

/**
 * MATCH expressions from strictest to loosest: all terms, then at least n-1 and n-2 of them (as
 * ORs of ANDs), then any term. FTS5 cost grows with the rows an expression matches, and an AND is
 * evaluated by skipping through the rarest term's postings, so a caller that stops at the first
 * tier with enough hits avoids scoring tens of thousands of rows for common words. Every tier
 * still ranks by BM25 over all the terms it names. With `required`, every tier must also match
 * one of those terms (a follow-up's context words only count next to the question's own words).
 * Empty when nothing is searchable.
 */
export function buildTieredMatches(
  terms: readonly QuestionTerm[],
  required: readonly QuestionTerm[] = [],
): string[] {
  const tiers = tiersOf(terms);
  const must = buildMatch(required);
  return must ? tiers.map((t) => `(${must}) AND (${t})`) : tiers;
}

function tiersOf(terms: readonly QuestionTerm[]): string[] {
  const groups: string[] = [];
  const seen = new Set<string>();
  for (const t of terms) {
    const phrases = [...new Set(t.forms.map(quotePhrase).filter((q): q is string => q !== null))];
    const group = phrases.length > 1 ? `(${phrases.join(' OR ')})` : (phrases[0] ?? '');
    if (group && !seen.has(group)) {
      seen.add(group);
      groups.push(group);
    }
    if (groups.length >= MAX_TIER_TERMS) break;
  }
  const n = groups.length;
  if (n === 0) return [];
  const tiers: string[] = [];
  for (let m = n; m >= Math.max(2, n - 2); m--) {
    const combos = combinations(n, m, MAX_CLAUSES + 1);
    if (combos.length > MAX_CLAUSES) break;
    const clauses = combos.map((c) => c.map((i) => groups[i]).join(' AND '));
    tiers.push(clauses.length === 1 ? (clauses[0] ?? '') : clauses.map((c) => `(${c})`).join(' OR '));
  }
  const any = buildMatch(terms.slice(0, MAX_TIER_TERMS));
  if (any && !tiers.includes(any)) tiers.push(any);
  return tiers;
}

/** Index combinations of size m from 0..n-1, in order, stopping after `cap`. */
function combinations(n: number, m: number, cap: number): number[][] {
  const out: number[][] = [];
  const pick: number[] = [];
  const walk = (from: number) => {
    if (out.length >= cap) return;
    if (pick.length === m) {
      out.push([...pick]);
      return;
    }
    for (let i = from; i <= n - (m - pick.length); i++) {
      pick.push(i);
      walk(i + 1);
      pick.pop();
    }
  };
  walk(0);
  return out;
}

/** Free text straight to a MATCH expression (null when it has no content terms). */
export function ftsQuery(text: string, extraTerms: readonly string[] = []): string | null {
  return buildMatch([...questionTerms(text), ...extraTerms.flatMap((t) => questionTerms(t))]);
}
