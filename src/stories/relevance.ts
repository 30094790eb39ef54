import { terms } from '../text/tokens.ts';

/**
 * "Is this trade news?" as a transparent weighted-term model:
 *   z = BIAS + Σ weight(term) · (log(1 + body count) + TITLE_WEIGHT · [term in title])
 *   relevance = 1 / (1 + e^−z)
 * Terms are written as plain words and stemmed at load with the shared tokeniser, so "trade deficits"
 * matches "trade deficit"; two-word entries match adjacent content terms (stopwords skipped).
 * Weights were fitted by L2 logistic regression on the even-id half of reuters21578-dev (label: topics
 * include "trade"); refit with `node --import tsx bench/fit-relevance.ts`.
 */

export const TITLE_WEIGHT = 2;
export const RELEVANCE_BIAS = -6;

/** [phrase, weight]: positive for trade-policy vocabulary, negative for look-alikes. */
export const RELEVANCE_TERMS: ReadonlyArray<readonly [string, number]> = [
  ['tariff', 1],
  ['trade', 1],
];

/** Recommended cut-off on tradeRelevance (F1-optimal on the fitting half). */
export const TRADE_RELEVANCE_THRESHOLD = 0.5;

function stemPhrase(phrase: string): string {
  return terms(phrase).join(' ');
}

const WEIGHTS: ReadonlyMap<string, number> = new Map(RELEVANCE_TERMS.map(([p, w]) => [stemPhrase(p), w]));

/** Counts of table terms (unigrams and adjacent bigrams) in a text. */
export function relevanceTermCounts(text: string): Map<string, number> {
  const ts = terms(text);
  const counts = new Map<string, number>();
  const bump = (t: string): void => {
    if (WEIGHTS.has(t)) counts.set(t, (counts.get(t) ?? 0) + 1);
  };
  for (let i = 0; i < ts.length; i++) {
    bump(ts[i]!);
    if (i + 1 < ts.length) bump(`${ts[i]} ${ts[i + 1]}`);
  }
  return counts;
}

/** Feature value per stemmed table term: log(1 + body count) + TITLE_WEIGHT when in the title. */
export function relevanceFeatures(text: { title: string; body: string }): Map<string, number> {
  const features = new Map<string, number>();
  for (const [t, c] of relevanceTermCounts(text.body)) features.set(t, Math.log1p(c));
  for (const t of relevanceTermCounts(text.title).keys()) features.set(t, (features.get(t) ?? 0) + TITLE_WEIGHT);
  return features;
}

/** 0..1 score for "this is trade news" (tariffs, trade balances, deals and talks, sanctions, dumping…). */
export function tradeRelevance(text: { title: string; body: string }): number {
  let z = RELEVANCE_BIAS;
  for (const [t, x] of relevanceFeatures(text)) z += (WEIGHTS.get(t) ?? 0) * x;
  return 1 / (1 + Math.exp(-z));
}
