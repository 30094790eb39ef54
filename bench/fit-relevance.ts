/**
 * Fits the trade-relevance model and writes src/stories/relevance-weights.json:
 * `node --import tsx bench/fit-relevance.ts` (add --dry-run to only print the figures).
 *
 * L2 logistic regression (full-batch gradient descent with Adam) over stemmed words and bigrams
 * plus the trade-instrument cues of src/stories/trade-cues.ts. Training data: the `train` split of
 * test/fixtures/relevance/present-day.jsonl (present-day articles, labelled by hand) and, when
 * ../shared is present, the even ids of reuters21578-dev.jsonl (label: topics include "trade"),
 * down-weighted so 18k 1987 records do not drown the present-day set. The vocabulary is the words
 * and bigrams in at least MIN_DF training documents. The default threshold is the one with the
 * best mean F1 over the two training sets. Prints F1 on the held-out `test` split (whose article
 * templates are never seen in training) and on the odd reuters ids.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSeedText } from '../src/ingest/parse-seed.ts';
import { cueFeature, relevanceFeatures, TITLE_WEIGHT } from '../src/stories/relevance.ts';
import { TRADE_CUES } from '../src/stories/trade-cues.ts';
import { terms } from '../src/text/tokens.ts';
import { REPO, SHARED_DATA } from '../test/helpers/cli.ts';

interface Doc {
  title: string;
  body: string;
  y: number;
  weight: number;
  set: 'present-train' | 'present-test' | 'reuters-train' | 'reuters-test';
}

const MIN_DF = Number(process.env.FIT_MIN_DF ?? 10);
const LAMBDA = Number(process.env.FIT_LAMBDA ?? 1e-3);
const STEPS = 300;
const REUTERS_WEIGHT = Number(process.env.FIT_REUTERS_WEIGHT ?? 0.1);
const OUT = join(REPO, 'src/stories/relevance-weights.json');

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const docs: Doc[] = [];
for (const r of lines(join(REPO, 'test/fixtures/relevance/present-day.jsonl'))) {
  docs.push({
    title: String(r.title),
    body: String(r.body),
    y: Number(r.label),
    weight: 1,
    set: r.split === 'test' ? 'present-test' : 'present-train',
  });
}
const reutersFile = join(SHARED_DATA, 'reuters21578-dev.jsonl');
if (existsSync(reutersFile)) {
  for (const r of lines(reutersFile)) {
    const even = Number(r.id) % 2 === 0;
    docs.push({
      title: String(r.title ?? ''),
      body: String(r.body ?? ''),
      y: ((r.topics as string[] | undefined) ?? []).includes('trade') ? 1 : 0,
      weight: REUTERS_WEIGHT,
      set: even ? 'reuters-train' : 'reuters-test',
    });
  }
} else console.log(`note: ${reutersFile} not found; fitting on the present-day set only`);

const train = docs.filter((d) => d.set.endsWith('-train'));
const df = new Map<string, number>();
for (const d of train) {
  const seen = new Set<string>();
  const ts = terms(`${d.title}\n${d.body}`);
  for (let i = 0; i < ts.length; i++) {
    seen.add(ts[i]!);
    if (i + 1 < ts.length) seen.add(`${ts[i]} ${ts[i + 1]}`);
  }
  for (const t of seen) df.set(t, (df.get(t) ?? 0) + 1);
}
const vocab = new Set([...df].filter(([t, n]) => n >= MIN_DF && !/^\d/.test(t)).map(([t]) => t));

const features = (d: { title: string; body: string }) => relevanceFeatures(d, vocab, TITLE_WEIGHT);
const xs = new Map(docs.map((d) => [d, features(d)]));
const names = [...vocab, ...Object.keys(TRADE_CUES).map(cueFeature)];
const col = new Map(names.map((t, i) => [t, i + 1]));
const k = names.length + 1;
const beta = new Float64Array(k);
const m = new Float64Array(k);
const v = new Float64Array(k);
const totalWeight = train.reduce((s, d) => s + d.weight, 0);
const zOf = (f: Map<string, number>) => {
  let s = beta[0]!;
  for (const [t, x] of f) s += beta[col.get(t)!]! * x;
  return s;
};
const z = (d: Doc) => zOf(xs.get(d)!);
for (let step = 1; step <= STEPS; step++) {
  const g = new Float64Array(k);
  for (const d of train) {
    const p = 1 / (1 + Math.exp(-z(d)));
    const e = (d.weight * (p - d.y)) / totalWeight;
    g[0]! += e;
    for (const [t, x] of xs.get(d)!) g[col.get(t)!]! += e * x;
  }
  // Cues are few and each is a whole instrument: they are not shrunk, so they carry what words alone cannot.
  for (let j = 1; j <= vocab.size; j++) g[j]! += LAMBDA * beta[j]!;
  for (let j = 0; j < k; j++) {
    m[j] = 0.9 * m[j]! + 0.1 * g[j]!;
    v[j] = 0.999 * v[j]! + 0.001 * g[j]! ** 2;
    const mh = m[j]! / (1 - 0.9 ** step);
    const vh = v[j]! / (1 - 0.999 ** step);
    beta[j]! -= (0.05 * mh) / (Math.sqrt(vh) + 1e-8);
  }
}

const prob = (d: Doc) => 1 / (1 + Math.exp(-z(d)));
function f1(set: Doc['set'], threshold: number) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const d of docs) {
    if (d.set !== set) continue;
    const yes = prob(d) >= threshold;
    if (yes && d.y) tp++;
    else if (yes) fp++;
    else if (d.y) fn++;
  }
  const p = tp / (tp + fp || 1);
  const r = tp / (tp + fn || 1);
  return { f1: p + r ? (2 * p * r) / (p + r) : 0, precision: p, recall: r };
}
const hasReuters = docs.some((d) => d.set === 'reuters-train');
let threshold = 0.5;
let bestScore = -1;
for (let t = 0.05; t <= 0.951; t += 0.01) {
  const s = hasReuters
    ? (f1('present-train', t).f1 + f1('reuters-train', t).f1) / 2
    : f1('present-train', t).f1;
  if (s > bestScore) {
    bestScore = s;
    threshold = Math.round(t * 100) / 100;
  }
}
const fmt = (r: { f1: number; precision: number; recall: number }) =>
  `F1 ${r.f1.toFixed(3)} (precision ${r.precision.toFixed(3)}, recall ${r.recall.toFixed(3)})`;
console.log(
  `vocabulary ${vocab.size} terms + ${Object.keys(TRADE_CUES).length} cues; threshold ${threshold}`,
);
for (const set of ['present-train', 'present-test', 'reuters-train', 'reuters-test'] as const) {
  if (docs.some((d) => d.set === set)) console.log(`  ${set.padEnd(14)} ${fmt(f1(set, threshold))}`);
}
console.log('targets: present-test F1 ≥ 0.90, reuters F1 ≥ 0.69');
const seedFile = join(SHARED_DATA, 'seed-article.txt');
if (existsSync(seedFile)) {
  // The demo's article, never trained on: a long present-day story about a trade deal.
  const seed = parseSeedText(readFileSync(seedFile, 'utf8'));
  const p = 1 / (1 + Math.exp(-zOf(features({ title: seed.title ?? '', body: seed.body }))));
  console.log(`  seed article   relevance ${p.toFixed(3)} (threshold ${threshold})`);
}
if (process.argv.includes('--misses'))
  for (const d of docs)
    if (d.set === 'present-test' && prob(d) >= threshold !== (d.y === 1))
      console.log(`  miss (label ${d.y}, ${prob(d).toFixed(2)}): ${d.title}`);

const weights: Record<string, number> = {};
const ranked = names
  .map((t) => [t, beta[col.get(t)!]!] as const)
  .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
for (const [t, w] of ranked) if (Math.abs(w) >= 0.02) weights[t] = Math.round(w * 1000) / 1000;
const model = { bias: Math.round(beta[0]! * 1000) / 1000, titleWeight: TITLE_WEIGHT, threshold, weights };
if (process.argv.includes('--dry-run')) console.log('dry run: weights not written');
else {
  writeFileSync(OUT, `${JSON.stringify(model, null, 2)}\n`);
  console.log(`wrote ${OUT} (${Object.keys(weights).length} weights)`);
}
