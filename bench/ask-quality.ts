/**
 * Answer quality on ../shared/data/ask-reuters-dev.jsonl: `node --import tsx bench/ask-quality.ts`.
 *
 * Ingests every record of reuters21578-dev.jsonl the way `tradewire ingest` does (readInputs →
 * ingestArticle in batches of INGEST_BATCH, into a SqliteStore in a temp dir), asks each question
 * through answerQuestion (the `ask` command's code path, no LLM) and scores the answers with the
 * shared scorer ../shared/bench/ask-eval.mjs. The plain paragraph BM25 baseline
 * (../shared/bench/ask-bm25-baseline.cjs) runs in the same run on the same questions.
 * Figures are printed for the whole set, the tuning slice (d001–d080) and the held-out slice
 * (d081–d100) that was kept aside while the answerer was tuned.
 * Skips (exit 0) when ../shared is absent.
 *
 * Flags: --misses (list failing questions), --store FILE (reuse or create a store there; skips
 * ingest when it already exists), --out FILE (keep the answers as JSONL), --fake-llm (also run the
 * LLM path — prompts/answer.md, numbered sources, citation checks — against test/fakes/openai.ts
 * with a lexical stand-in model that cites the source sharing most words with the question: its
 * citation figure shows the LLM path loses nothing between retrieval and cited articles; its
 * abstention figures say nothing about a real model).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type AnswerResult, answerQuestion } from '../src/ask/answer.ts';
import { ingestArticle } from '../src/ingest/ingest-article.ts';
import { readInputs } from '../src/ingest/read-inputs.ts';
import { createLlm, type Llm } from '../src/llm/client.ts';
import { silentLogger } from '../src/log.ts';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { type ChatRequestBody, FakeOpenAI } from '../test/fakes/openai.ts';
import { REPO, SHARED_DATA } from '../test/helpers/cli.ts';

const INGEST_BATCH = 200;
const HELD_OUT_FROM = 81;

interface QaItem {
  qid: string;
  question: string;
  answerable: boolean;
}

interface Scores {
  answerable: number;
  citationHit: number;
  answerHit: number;
  abstainOk: number;
  falseGrounded: number;
  unanswerable: number;
}

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const corpus = join(SHARED_DATA, 'reuters21578-dev.jsonl');
const qaFile = join(SHARED_DATA, 'ask-reuters-dev.jsonl');
const scorer = join(SHARED_DATA, '../bench/ask-eval.mjs');
const baselineScript = join(SHARED_DATA, '../bench/ask-bm25-baseline.cjs');
if (![corpus, qaFile, scorer, baselineScript].every(existsSync)) {
  console.log(`skipped: ${SHARED_DATA} (ask-reuters-dev, reuters21578-dev) or ../shared/bench not found`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'tradewire-ask-quality-'));
const storeFile = flag('--store') ?? join(dir, 'ask.sqlite');
const reuse = existsSync(storeFile);

/**
 * The dev records as ingest input: `{url, source, title, published, body}` (ask-reuters-dev.md, step 1).
 * The scoring rules ingest every record, headline-only briefs included; ingest rejects an article
 * without body text (a title alone is not an article for real input), so a brief's headline is
 * given as its text here: the briefs stay in the corpus as the distractors they are.
 */
async function writeArticles(file: string): Promise<number> {
  const lines: string[] = [];
  const rl = createInterface({ input: createReadStream(corpus), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { id: string; date?: string; title?: string; body?: string };
    lines.push(
      JSON.stringify({
        url: `https://wire.example.com/r/${r.id}`,
        source: 'Reuters',
        title: r.title ?? '',
        published: r.date,
        body: r.body?.trim() ? r.body : (r.title ?? ''),
      }),
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return lines.length;
}

async function ingestAll(store: SqliteStore): Promise<void> {
  const input = join(dir, 'articles.jsonl');
  const records = await writeArticles(input);
  const t0 = performance.now();
  let batch: Promise<unknown>[] = [];
  let stored = 0;
  let rejected = 0;
  for await (const item of readInputs([input])) {
    if ('error' in item) {
      rejected++;
      continue;
    }
    batch.push(ingestArticle(store, item.record));
    stored++;
    if (batch.length >= INGEST_BATCH) {
      await Promise.all(batch);
      batch = [];
    }
  }
  await Promise.all(batch);
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`ingested ${stored} of ${records} records (${rejected} rejected by validation) in ${s} s`);
}

function score(qa: string, results: string): Scores {
  return JSON.parse(execFileSync(process.execPath, [scorer, qa, results], { encoding: 'utf8' })) as Scores;
}

function misses(qa: string, results: string): string {
  return spawnSync(process.execPath, [scorer, qa, results, '--misses'], { encoding: 'utf8' }).stderr;
}

const fmt = (x: number) => x.toFixed(3).padStart(6);
function row(label: string, s: Scores): string {
  return `  ${label.padEnd(30)} hit@3 ${fmt(s.citationHit)}   contains ${fmt(s.answerHit)}   abstained ${fmt(s.abstainOk)}   wrongly abstained ${fmt(s.falseGrounded)}`;
}

const WORD = /[a-z0-9][a-z0-9.'-]*[a-z0-9]/g;
const COMMON = new Set(
  'what which when who whom whose how much many does did do the a an of in on for to from by with and or was were is are its it this that at as under over into about be been had has have'.split(
    ' ',
  ),
);
const wordsOf = (text: string): Set<string> =>
  new Set((text.toLowerCase().match(WORD) ?? []).filter((w) => !COMMON.has(w)));

/**
 * The stand-in model: answers with the sentence sharing most words with the question and cites its
 * source, then up to two more sources with the next-best sentences (as a model citing every source
 * that reports the fact would).
 */
function lexicalModel(body: ChatRequestBody): string {
  const user = body.messages?.find((m) => m.role === 'user')?.content ?? '';
  const question = wordsOf(/<question>([\s\S]*?)<\/question>/.exec(user)?.[1] ?? '');
  const ranked: { n: number; hits: number; sentence: string }[] = [];
  for (const m of user.matchAll(/<source n="(\d+)"[^>]*>([\s\S]*?)<\/source>/g)) {
    for (const sentence of (m[2] ?? '').split(/(?<=[.!?])\s+/)) {
      let hits = 0;
      for (const w of wordsOf(sentence)) if (question.has(w)) hits++;
      if (hits > 0) ranked.push({ n: Number(m[1]), hits, sentence: sentence.trim() });
    }
  }
  ranked.sort((a, b) => b.hits - a.hits || a.n - b.n);
  const best = ranked[0];
  if (!best) return JSON.stringify({ answer: 'The sources do not say.', citations: [], grounded: false });
  const cited = [...new Set(ranked.map((r) => r.n))].slice(0, 3);
  const marks = cited.map((n) => `[${n}]`).join('');
  return JSON.stringify({ answer: `${best.sentence} ${marks}`, citations: cited, grounded: true });
}

async function askAll(items: QaItem[], llm: Llm | null): Promise<{ lines: string[]; ms: number }> {
  const lines: string[] = [];
  const t0 = performance.now();
  for (const item of items) {
    const out: AnswerResult = await answerQuestion(
      { store, llm, log: silentLogger },
      { question: item.question },
    );
    lines.push(JSON.stringify({ qid: item.qid, out }));
  }
  return { lines, ms: (performance.now() - t0) / items.length };
}

const store = new SqliteStore(storeFile);
const fake = args.includes('--fake-llm') ? new FakeOpenAI().respondWith(lexicalModel) : null;
try {
  if (reuse) console.log(`reusing store ${storeFile}`);
  else await ingestAll(store);

  const qaLines = readFileSync(qaFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  const items = qaLines.map((l) => JSON.parse(l) as QaItem);
  const { lines: ours, ms: askMs } = await askAll(items, null);
  const oursFile = flag('--out') ?? join(dir, 'ours.jsonl');
  writeFileSync(oursFile, `${ours.join('\n')}\n`);
  let fakeFile: string | null = null;
  if (fake) {
    const { url } = await fake.start();
    const llm = createLlm({
      baseURL: url,
      model: 'fake-lexical',
      timeoutMs: 10_000,
      maxRetries: 0,
      requestsPerMinute: 60_000,
    });
    const { lines } = await askAll(items, llm);
    const byLlm = lines.filter((l) =>
      (JSON.parse(l) as { out: AnswerResult }).out.answeredBy.startsWith('llm:'),
    );
    console.log(
      `LLM path: ${byLlm.length} of ${lines.length} answered by the fake model (the rest fell back offline)`,
    );
    fakeFile = join(dir, 'fake-llm.jsonl');
    writeFileSync(fakeFile, `${lines.join('\n')}\n`);
  }

  const baseFile = join(dir, 'baseline.jsonl');
  execFileSync(process.execPath, [baselineScript, corpus, qaFile, baseFile], { cwd: REPO });

  const slices: [string, (n: number) => boolean][] = [
    ['all 100', () => true],
    [`tuning d001–d0${HELD_OUT_FROM - 1}`, (n) => n < HELD_OUT_FROM],
    [`held out d0${HELD_OUT_FROM}–d100`, (n) => n >= HELD_OUT_FROM],
  ];
  console.log(
    `\nask-reuters-dev (${items.length} questions; offline answerer ${askMs.toFixed(1)} ms/question)`,
  );
  for (const [label, keep] of slices) {
    const sliceFile = join(dir, `qa-${label.split(' ')[0]}.jsonl`);
    writeFileSync(sliceFile, `${qaLines.filter((_, i) => keep(i + 1)).join('\n')}\n`);
    console.log(`${label}:`);
    console.log(row('answerQuestion (offline)', score(sliceFile, oursFile)));
    if (fakeFile) console.log(row('LLM path, fake lexical model', score(sliceFile, fakeFile)));
    console.log(row('baseline: paragraph BM25', score(sliceFile, baseFile)));
  }
  console.log(
    '\ntargets (all 100): hit@3 ≥ 0.97, contains ≥ 0.80, unanswerable abstained ≥ 0.80, wrongly abstained ≤ 0.05',
  );
  if (args.includes('--misses')) console.log(`\nmisses:\n${misses(qaFile, oursFile)}`);
} finally {
  await fake?.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
