/**
 * Offline summariser quality and speed on the BBC business set (../shared/data).
 *
 * Run: node --import tsx bench/summarise.ts
 *
 * Method: ROUGE-1/2 (n-gram overlap) and ROUGE-L (longest common subsequence over the whole text),
 * F1, lower-cased alphanumeric tokens, Porter-stemmed (like rouge-score with use_stemmer), no
 * stopword removal, averaged over articles. Because ROUGE rewards length, every system is cut to the
 * same number of tokens before scoring:
 *  - "summary" rows: the 2–3 sentence `summary` against lead-N cut to exactly the same token count;
 *  - "budget" rows: `summary` + `keyPoints` cut to the reference's length (the usual length budget),
 *    against lead-k (the article's opening) cut to exactly the same token count;
 *  - lead-3 at its natural length (cut to the budget if longer) as the familiar baseline.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deriveHeadline, type OfflineArticle, summariseOffline } from '../src/summarise/offline.ts';
import { splitSentences } from '../src/text/sentences.ts';
import { stem } from '../src/text/tokens.ts';

interface Row {
  id: string;
  title: string;
  body: string;
  reference_summary: string;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.resolve(repoRoot, '../shared/data/bbc-business-summaries-dev.jsonl');

const tokens = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map(stem);

function ngrams(t: string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= t.length; i++) {
    const g = t.slice(i, i + n).join(' ');
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

const f1 = (hit: number, sys: number, ref: number): number =>
  hit === 0 ? 0 : (2 * (hit / sys) * (hit / ref)) / (hit / sys + hit / ref);

function rougeN(sys: string[], ref: string[], n: number): number {
  const s = ngrams(sys, n);
  const r = ngrams(ref, n);
  let hit = 0;
  for (const [g, c] of s) hit += Math.min(c, r.get(g) ?? 0);
  return f1(hit, Math.max(1, sys.length - n + 1), Math.max(1, ref.length - n + 1));
}

function rougeL(sys: string[], ref: string[]): number {
  let prev = new Uint16Array(ref.length + 1);
  let cur = new Uint16Array(ref.length + 1);
  for (let i = 1; i <= sys.length; i++) {
    for (let j = 1; j <= ref.length; j++)
      cur[j] = sys[i - 1] === ref[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    [prev, cur] = [cur, prev];
  }
  return f1(prev[ref.length]!, sys.length, ref.length);
}

type Scores = [number, number, number, number]; // R1, R2, RL, mean tokens
const systems = new Map<string, Scores>();
function add(name: string, sys: string[], ref: string[]): void {
  const s = systems.get(name) ?? [0, 0, 0, 0];
  s[0] += rougeN(sys, ref, 1);
  s[1] += rougeN(sys, ref, 2);
  s[2] += rougeL(sys, ref);
  s[3] += sys.length;
  systems.set(name, s);
}

const toArticle = (r: Row): OfflineArticle => ({
  title: r.title,
  titleDerived: false,
  body: r.body,
  source: 'bbc',
  published: '2005-01-01',
});

function quality(rows: Row[]): void {
  for (const r of rows) score(r);
  const pct = (x: number): string => (x * 100).toFixed(2).padStart(6);
  const refMean = rows.reduce((a, r) => a + tokens(r.reference_summary).length, 0) / rows.length;
  console.log(
    `BBC business dev: ${rows.length} articles, reference length mean ${refMean.toFixed(0)} tokens\n`,
  );
  console.log(`${'system'.padEnd(36)}   R-1    R-2    R-L   tokens`);
  for (const [name, [r1, r2, rl, len]] of systems) {
    const n = rows.length;
    console.log(
      `${name.padEnd(36)} ${pct(r1 / n)} ${pct(r2 / n)} ${pct(rl / n)} ${(len / n).toFixed(0).padStart(6)}`,
    );
  }
}

function score(r: Row): void {
  const ref = tokens(r.reference_summary);
  const budget = ref.length;
  const lead = tokens(r.body);
  const s = summariseOffline([toArticle(r)]);
  const summary = tokens(s.summary).slice(0, budget);
  const full = tokens([s.summary, ...s.keyPoints.map((p) => p.replace(/…$/, ''))].join(' ')).slice(0, budget);
  add('lead-3 (natural length)', tokens(splitSentences(r.body).slice(0, 3).join(' ')).slice(0, budget), ref);
  add('lead-N, = summary length', lead.slice(0, summary.length), ref);
  add('offline summary (2-3 sentences)', summary, ref);
  add('lead-k, = budget length', lead.slice(0, full.length), ref);
  add('offline summary+keyPoints, budget', full, ref);
}

// Throughput: same articles, same process, after a warm-up pass. Rates are per CPU-second of this
// process (process.cpuUsage), so other load on the machine does not distort them; wall-clock rates
// are printed alongside.
function rate(articles: OfflineArticle[], fn: (a: OfflineArticle) => unknown): { cpu: number; wall: number } {
  for (const a of articles) fn(a);
  let n = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < 2000) {
    for (const a of articles) fn(a);
    n += articles.length;
  }
  const c = process.cpuUsage(c0);
  return { cpu: n / ((c.user + c.system) / 1e6), wall: n / ((performance.now() - t0) / 1000) };
}

function throughput(rows: Row[]): void {
  const articles = rows.map(toArticle);
  const offline = rate(articles, (a) => summariseOffline([a]));
  const headline = rate(articles, (a) => deriveHeadline(a.body));
  const lead3 = rate(articles, (a) => splitSentences(a.body).slice(0, 3).join(' '));
  const meanChars = articles.reduce((x, a) => x + a.body.length, 0) / articles.length;
  const show = (name: string, r: { cpu: number; wall: number }): string =>
    `  ${name.padEnd(17)} ${r.cpu.toFixed(0).padStart(7)} articles/CPU-s  (${r.wall.toFixed(0)}/s wall)`;
  console.log(`\nthroughput (one core, mean body ${meanChars.toFixed(0)} chars):`);
  console.log(show('summariseOffline', offline));
  console.log(show('deriveHeadline', headline));
  console.log(`${show('lead-3', lead3)}  -> lead-3 is ${(lead3.cpu / offline.cpu).toFixed(1)}x faster`);
}

// No process.exit: the file may be imported by a bench runner.
if (existsSync(file)) {
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Row);
  quality(rows);
  throughput(rows);
} else {
  console.log(`summarise bench skipped: ${file} not found`);
}
