/**
 * Memory of `tradewire ingest FILE --json` (the compiled CLI as a user runs it: private Redis, BullMQ
 * workers, the analysis thread, SQLite, offline summaries, watch matching) while it imports N new
 * articles into a store that already holds N, at several N, so growth with the archive shows as the
 * slope between sizes. The baseline, in the same run: the same CLI importing 200 articles into an
 * empty store (what start-up, the thread, the SQLite page cache and the libraries cost before any
 * archive exists).
 *
 *   node --import tsx bench/memory.ts [--articles 10000] [--sizes 1,2,4]   # N = articles × size
 *   node --import tsx bench/memory.ts --articles 100000 --sizes 1           # the 100k into 100k
 *     [--old-space 128]   # the second run of each size: node --max-old-space-size=128
 *
 * Articles: the synthetic trade-news generator of the scale drill (test/helpers/scale-articles.ts),
 * 2N of them in one seeded sequence, re-dated as a feed archive (300 events a day, in publication
 * order): the first N fill the store, the next N (later events) are the measured import. Peak RSS is the kernel's VmHWM for the CLI process (threads included), polled
 * every 100 ms. Needs `npm run build` (dist/) first.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ArticleInput } from '../src/domain.ts';
import { scaleArticles } from '../test/helpers/scale-articles.ts';
import { type MeasuredRun, runMeasured } from './lib/measure.ts';

const REPO = resolve(import.meta.dirname, '..');
if (!existsSync(join(REPO, 'dist/src/cli/tradewire.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '10000' },
    sizes: { type: 'string', default: '1,2,4' },
    'old-space': { type: 'string', default: '128' },
  },
});
const base = Number(values.articles);
const sizes = values.sizes.split(',').map(Number);

const env = { ...process.env, TRADEWIRE_LOG_LEVEL: 'error' } as NodeJS.ProcessEnv;
for (const k of ['REDIS_URL', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'DATABASE_URL']) delete env[k];

const work = mkdtempSync(join(tmpdir(), 'tw-bench-memory-'));
const write = (name: string, recs: ArticleInput[]): string => {
  const file = join(work, name);
  writeFileSync(file, `${recs.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return file;
};
const oldSpace = Number(values['old-space']);
async function ingest(
  file: string,
  dataDir: string,
  n: number,
  nodeArgs: string[] = [],
): Promise<MeasuredRun> {
  const r = await runMeasured(
    process.execPath,
    [...nodeArgs, 'bin/tradewire.js', 'ingest', file, '--json', '--data-dir', dataDir],
    { cwd: REPO, env },
  );
  const report = JSON.parse(r.stdout) as { articles: unknown[] };
  if (report.articles.length !== n) throw new Error(`expected ${n} articles, got ${report.articles.length}`);
  return r;
}
const mb = (x: number) => `${x.toFixed(0)} MB`;

/**
 * Re-dates the generator's articles as a feed archive: 300 events a day from 2025-01-01, copies an
 * hour apart, in publication order (as a store fills from feeds, and as its next articles arrive).
 */
function chronological(articles: ArticleInput[]): ArticleInput[] {
  const start = Date.parse('2025-01-01T00:00:00Z');
  const dated = articles.map((a) => {
    const [, outlet, event] = /outlet(\d+)\.scale\.example\/(\d+)$/.exec(a.url ?? '') ?? [];
    const t = start + Number(event) * 288_000 + Number(outlet) * 3_600_000;
    return { ...a, published: new Date(t).toISOString() };
  });
  return dated.sort((x, y) => x.published.localeCompare(y.published));
}

try {
  console.log(
    `memory: tradewire ingest (compiled CLI, private Redis, offline) of N new articles into a store of N; ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
  );
  const small = scaleArticles(200, { seed: 5 }).articles;
  const b = await ingest(write('base.jsonl', small), mkdtempSync(join(work, 'base-')), small.length);
  console.log(
    `baseline: 200 articles into an empty store: peak RSS ${mb(b.peakRssMb)} (${b.secs.toFixed(1)} s)`,
  );
  const capped = [`--max-old-space-size=${oldSpace}`];
  const rows: Array<{ n: number; run: MeasuredRun; capped: MeasuredRun }> = [];
  for (const size of sizes) {
    const n = base * size;
    const articles = chronological(scaleArticles(2 * n, { seed: 9 }).articles);
    const fillFile = write(`fill-${n}.jsonl`, articles.slice(0, n));
    const moreFile = write(`more-${n}.jsonl`, articles.slice(n, 2 * n));
    // The same import twice, each into its own copy of the filled store: as Node starts by default,
    // then with V8's old space capped (the live heap is bounded; the default lets garbage pile up).
    const measured: MeasuredRun[] = [];
    for (const args of [[], capped]) {
      const dir = mkdtempSync(join(work, `n${n}-`));
      await ingest(fillFile, dir, n);
      measured.push(await ingest(moreFile, dir, n, args));
      rmSync(dir, { recursive: true, force: true });
    }
    const [run, cap] = measured as [MeasuredRun, MeasuredRun];
    rows.push({ n, run, capped: cap });
    console.log(
      `${n} into ${n}: peak RSS ${mb(run.peakRssMb)} (${(run.peakRssMb / b.peakRssMb).toFixed(2)}× baseline; ${(n / run.secs).toFixed(0)} articles/s); ` +
        `with ${capped[0]}: ${mb(cap.peakRssMb)} (${(cap.peakRssMb / b.peakRssMb).toFixed(2)}×; ${(n / cap.secs).toFixed(0)} articles/s)`,
    );
  }
  if (rows.length > 1) {
    const first = rows[0]!;
    const last = rows.at(-1)!;
    const slope = (pick: (r: (typeof rows)[number]) => MeasuredRun) =>
      (((pick(last).peakRssMb - pick(first).peakRssMb) / (last.n - first.n)) * 1000).toFixed(2);
    console.log(
      `growth from ${first.n} to ${last.n} (archive and import growing together): ${slope((r) => r.run)} MB of peak RSS per 1,000 more articles; with ${capped[0]}: ${slope((r) => r.capped)} MB`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
