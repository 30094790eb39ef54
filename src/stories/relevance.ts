import { readFileSync } from 'node:fs';
import { packagePath } from '../package-root.ts';
import { terms } from '../text/tokens.ts';
import { tradeCues } from './trade-cues.ts';

/**
 * "Is this trade news?" as a small logistic regression:
 *   z = bias + Σ w(term) · (log(1 + body count) + titleWeight · [term in title]) + Σ w(@cue) · [cue matched]
 *   relevance = 1 / (1 + e^−z)
 * Terms are stemmed words and adjacent-word bigrams (stopwords skipped); cues are the trade
 * instruments of src/stories/trade-cues.ts. The weights are data, in relevance-weights.json, fitted
 * by `node --import tsx bench/fit-relevance.ts` on the present-day set in test/fixtures/relevance
 * (train split) plus the even ids of reuters21578-dev (label: topics include "trade").
 */

interface WeightFile {
  bias: number;
  titleWeight: number;
  threshold: number;
  weights: Record<string, number>;
}

const MODEL = JSON.parse(
  readFileSync(packagePath('src', 'stories', 'relevance-weights.json'), 'utf8'),
) as WeightFile;
const WEIGHTS: ReadonlyMap<string, number> = new Map(Object.entries(MODEL.weights));

export const TITLE_WEIGHT = MODEL.titleWeight;
/**
 * Default minimum relevance of a digest (TRADEWIRE_MIN_RELEVANCE): the cut-off that maximised F1 on
 * the training data (see bench/fit-relevance.ts, which prints the held-out figures).
 */
export const TRADE_RELEVANCE_THRESHOLD = MODEL.threshold;

/** A cue's feature name. */
export const cueFeature = (cue: string): string => `@${cue}`;

/** A phrase in matching form: stemmed content terms joined by one space. */
export function stemPhrase(phrase: string): string {
  return terms(phrase).join(' ');
}

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

/** Feature values: log(1 + body count) + titleWeight when in the title, and 1 per matched cue. */
export function relevanceFeatures(
  text: { title: string; body: string },
  vocabulary: { has(term: string): boolean } = WEIGHTS,
  titleWeight = TITLE_WEIGHT,
): Map<string, number> {
  const features = new Map<string, number>();
  for (const [t, c] of phraseCounts(text.body, vocabulary)) features.set(t, Math.log1p(c));
  for (const t of phraseCounts(text.title, vocabulary).keys())
    features.set(t, (features.get(t) ?? 0) + titleWeight);
  for (const cue of tradeCues(`${text.title}\n${text.body}`)) features.set(cueFeature(cue), 1);
  return features;
}

/** 0..1 score for "this is trade news" (tariffs, quotas, trade remedies, controls, sanctions, deals, trade data…). */
export function tradeRelevance(text: { title: string; body: string }): number {
  let z = MODEL.bias;
  for (const [t, x] of relevanceFeatures(text)) z += (WEIGHTS.get(t) ?? 0) * x;
  return 1 / (1 + Math.exp(-z));
}

/** Why a text scores as trade news: the trade instruments it names, strongest first. */
export function relevanceReasons(text: string): string[] {
  return tradeCues(text).sort(
    (a, b) => (WEIGHTS.get(cueFeature(b)) ?? 0) - (WEIGHTS.get(cueFeature(a)) ?? 0),
  );
}
