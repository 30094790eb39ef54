import { detectInstruments } from '../summarise/entities.ts';
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
export const RELEVANCE_BIAS = -5.59;

/**
 * [phrase, weight]. Fitted, except seven hand-set instrument terms the 1987 data cannot teach or teaches
 * the wrong way (see PINNED in bench/fit-relevance.ts): wto 1.0, export controls 1.2, anti-dumping 1.5,
 * countervailing 0.8, quota 0.5, embargo 0.3, duties 0.3. Only the look-alikes at the bottom (company
 * results, deals, market trading) weigh against.
 */
export const RELEVANCE_TERMS: ReadonlyArray<readonly [string, number]> = [
  ['anti-dumping', 1.5],
  ['trade', 1.21],
  ['sanctions', 1.2],
  ['export controls', 1.2],
  ['trade deficit', 1.19],
  ['wto', 1.0],
  ['international trade', 0.91],
  ['surplus', 0.89],
  ['trade surplus', 0.88],
  ['countervailing', 0.8],
  ['deficit', 0.75],
  ['dumping', 0.73],
  ['trade dispute', 0.72],
  ['trade pact', 0.72],
  ['trade war', 0.7],
  ['gatt', 0.68],
  ['imports', 0.68],
  ['trade deal', 0.67],
  ['trade bill', 0.64],
  ['levy', 0.63],
  ['current account', 0.62],
  ['trade issues', 0.61],
  ['exports', 0.57],
  ['trade sanctions', 0.56],
  ['tariff', 0.53],
  ['free trade', 0.53],
  ['trade practices', 0.51],
  ['quota', 0.5],
  ['protectionist', 0.5],
  ['trade gap', 0.47],
  ['trade minister', 0.45],
  ['protectionism', 0.43],
  ['trade balance', 0.41],
  ['unfair trade', 0.4],
  ['bilateral', 0.37],
  ['trade friction', 0.36],
  ['embargo', 0.3],
  ['duties', 0.3],
  ['uruguay round', 0.28],
  ['import curbs', 0.23],
  ['trade policy', 0.19],
  ['bilateral trade', 0.18],
  ['imports rose', 0.18],
  ['retaliatory', 0.18],
  ['negotiations', 0.18],
  ['trade partner', 0.16],
  ['trade agreement', 0.15],
  ['trade imbalance', 0.13],
  ['exports rose', 0.12],
  ['barriers', 0.09],
  ['trade barriers', 0.08],
  // Hand-set for present-day trade policy vocabulary the 1987 corpus barely has.
  ['trade talks', 0.7],
  ['trade negotiations', 0.7],
  ['trade representative', 0.8],
  ['trade truce', 0.8],
  ['phase one', 0.5],
  ['entity list', 1.0],
  ['export restrictions', 1.0],
  ['safeguard', 0.8],
  ['usmca', 1.0],
  ['nafta', 0.8],
  ['merger', -0.27],
  ['qtr', -0.28],
  ['stake', -0.32],
  ['dividend', -0.32],
  ['shr', -0.46],
  ['takeover', -0.48],
  ['shares', -0.87],
  ['futures', -1.15],
];

/**
 * Recommended cut-off on tradeRelevance. On the fitting half F1 is flat (0.68–0.69) from 0.2 to 0.5;
 * 0.3 sits in that plateau on the recall side. Held out (odd ids): precision 0.74, recall 0.67.
 */
export const TRADE_RELEVANCE_THRESHOLD = 0.3;

/** A table phrase in matching form: stemmed content terms joined by one space. */
export function stemPhrase(phrase: string): string {
  return terms(phrase).join(' ');
}

const WEIGHTS: ReadonlyMap<string, number> = new Map(RELEVANCE_TERMS.map(([p, w]) => [stemPhrase(p), w]));

/** Counts of vocabulary terms (unigrams and adjacent-term bigrams, stemmed) in a text. */
export function phraseCounts(text: string, vocabulary: { has(term: string): boolean }): Map<string, number> {
  const ts = terms(text);
  const counts = new Map<string, number>();
  const bump = (t: string): void => {
    if (vocabulary.has(t)) counts.set(t, (counts.get(t) ?? 0) + 1);
  };
  for (let i = 0; i < ts.length; i++) {
    bump(ts[i]!);
    if (i + 1 < ts.length) bump(`${ts[i]} ${ts[i + 1]}`);
  }
  return counts;
}

/** Feature value per vocabulary term: log(1 + body count) + titleWeight when in the title. */
export function relevanceFeatures(
  text: { title: string; body: string },
  vocabulary: { has(term: string): boolean } = WEIGHTS,
  titleWeight = TITLE_WEIGHT,
): Map<string, number> {
  const features = new Map<string, number>();
  for (const [t, c] of phraseCounts(text.body, vocabulary)) features.set(t, Math.log1p(c));
  for (const t of phraseCounts(text.title, vocabulary).keys())
    features.set(t, (features.get(t) ?? 0) + titleWeight);
  return features;
}

/** 0..1 score for "this is trade news" (tariffs, trade balances, deals and talks, sanctions, dumping…). */
export function tradeRelevance(text: { title: string; body: string }): number {
  let z = RELEVANCE_BIAS;
  for (const [t, x] of relevanceFeatures(text)) z += (WEIGHTS.get(t) ?? 0) * x;
  // Each distinct trade instrument the story is about (tariff, quota, anti-dumping, export control,
  // sanction, deal, subsidy) is direct evidence of trade policy news, beyond single-word counts.
  z += INSTRUMENT_WEIGHT * Math.min(2, detectInstruments(`${text.title}\n${text.body}`).length);
  return 1 / (1 + Math.exp(-z));
}

/** Added to the score per distinct instrument mentioned (at most two). Hand-set; see bench/stories.ts. */
export const INSTRUMENT_WEIGHT = 1.0;
