import { MAX_QUERY_TERMS, type PassageQuery, type SearchTerm } from '../store/retrieval.ts';
import type { QuestionTerm } from './question-terms.ts';

/** One search of a tiered retrieval: the terms, how many of them must match, and what else must. */
export type SearchTier = Pick<PassageQuery, 'terms' | 'minMatch' | 'requireAny'>;

/** Most term groups the tiers combine (longer questions keep their first ones). */
export const MAX_TIER_TERMS = MAX_QUERY_TERMS;
/** Most terms of which one is required beside the tier's own. */
const MAX_REQUIRED_TERMS = 16;

const clean = (form: string): string =>
  form
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .toLowerCase();

/** Distinct searchable terms, in order, at most `max`. */
function searchTerms(terms: readonly QuestionTerm[], max: number): SearchTerm[] {
  const out: SearchTerm[] = [];
  const seen = new Set<string>();
  for (const t of terms) {
    const forms = [...new Set(t.forms.map(clean).filter(Boolean))];
    const key = forms.join('|');
    if (forms.length === 0 || seen.has(key)) continue;
    seen.add(key);
    out.push({ forms });
    if (out.length >= max) break;
  }
  return out;
}

/**
 * Searches from strictest to loosest: all terms, then at least n-1 and n-2 of them, then any term.
 * A search's cost grows with the rows it matches, and a strict one is answered from the rarest
 * term's postings, so a caller that stops at the first tier with enough hits avoids scoring tens of
 * thousands of rows for common words. Every tier still ranks by all the terms it names. With
 * `required`, every tier must also match one of those terms (a follow-up's context words only count
 * next to the question's own words). Empty when nothing is searchable.
 */
export function searchTiers(
  terms: readonly QuestionTerm[],
  required: readonly QuestionTerm[] = [],
): SearchTier[] {
  const groups = searchTerms(terms, MAX_TIER_TERMS);
  const n = groups.length;
  if (n === 0) return [];
  const must = searchTerms(required, MAX_REQUIRED_TERMS);
  const tier = (minMatch: number): SearchTier =>
    must.length > 0 ? { terms: groups, minMatch, requireAny: must } : { terms: groups, minMatch };
  const tiers: SearchTier[] = [];
  for (let m = n; m >= Math.max(2, n - 2); m--) tiers.push(tier(m));
  tiers.push(tier(1));
  return tiers;
}
