import { TradewireError } from '../../errors.ts';
import { MAX_QUERY_TERMS, type PassageQuery, type SearchTerm } from '../retrieval.ts';

/**
 * A structured passage query → one safe FTS5 MATCH expression.
 *
 * Nothing from a query reaches FTS5 as syntax: every form is reduced to letters, digits and single
 * spaces and double-quoted, so operators (AND, OR, NOT, NEAR), column filters, `*`, `^` and stray
 * quotes are inert. A term is the OR of its phrases; "at least m of n terms" is an OR of ANDs over
 * the m-term combinations (FTS5 evaluates an AND by skipping through the rarest term's postings, so
 * a strict query over common words stays cheap). BM25 still ranks by every phrase named.
 */

/** Quote one phrase for FTS5: only letters, digits and single spaces survive, so it cannot be an operator. */
export function quotePhrase(phrase: string): string | null {
  const clean = phrase
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .toLowerCase();
  return clean ? `"${clean}"` : null;
}

/** The term's phrases, quoted and deduplicated, or [] when none is searchable. */
function phrasesOf(t: SearchTerm): string[] {
  return [...new Set(t.forms.map(quotePhrase).filter((q): q is string => q !== null))];
}

const anyOf = (terms: readonly string[][]): string | null => {
  const all = [...new Set(terms.flat())];
  return all.length === 0 ? null : all.join(' OR ');
};

/**
 * The MATCH expression for a query, or null when nothing searchable is left (the caller must then
 * skip the search: an empty MATCH is a syntax error).
 */
export function matchExpression(q: Pick<PassageQuery, 'terms' | 'minMatch' | 'requireAny'>): string | null {
  if (q.terms.length > MAX_QUERY_TERMS) {
    throw new TradewireError(
      'store/bad-query',
      `a passage query takes at most ${MAX_QUERY_TERMS} terms (got ${q.terms.length})`,
    );
  }
  const groups: string[] = [];
  const terms: string[][] = [];
  for (const t of q.terms) {
    const phrases = phrasesOf(t);
    if (phrases.length === 0) continue;
    const group = phrases.length > 1 ? `(${phrases.join(' OR ')})` : phrases[0]!;
    if (groups.includes(group)) continue;
    groups.push(group);
    terms.push(phrases);
  }
  const n = groups.length;
  if (n === 0) return null;
  const m = Math.min(n, Math.max(1, Math.floor(q.minMatch)));
  let expr: string;
  if (m === 1) expr = anyOf(terms)!;
  else {
    const clauses = combinations(n, m).map((c) => c.map((i) => groups[i]).join(' AND '));
    expr = clauses.length === 1 ? clauses[0]! : clauses.map((c) => `(${c})`).join(' OR ');
  }
  const required = q.requireAny ?? [];
  if (required.length === 0) return expr;
  const must = anyOf(required.map(phrasesOf));
  return must ? `(${must}) AND (${expr})` : null;
}

/** Index combinations of size m from 0..n-1, in order. */
function combinations(n: number, m: number): number[][] {
  const out: number[][] = [];
  const pick: number[] = [];
  const walk = (from: number) => {
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
