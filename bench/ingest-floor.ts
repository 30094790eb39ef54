/**
 * `tradewire ingest FILE --json` end to end (the compiled CLI as a user runs it: start-up, private
 * Redis, BullMQ workers, SQLite, offline summariser, watch matching) against the bare work
 * (`../shared/bench/work-floor.cjs`), both on the same file in the same run, with the CLI's peak RSS.
 *
 *   node --import tsx bench/ingest-floor.ts [--limit 10000] [--repeat 1] [--mode first|backfill|all]
 *     [--profile DIR]   # run the CLI under `node --cpu-prof --cpu-prof-dir DIR`
 *
 * first:    10k Reuters articles (bodies ≥ 200 chars) into an empty data dir.
 * backfill: the newer half into an empty dir (a first import), then the older half, dated 180 days
 *           earlier still so it is months behind the newest stored article, into it; then copies of
 *           all of them under new URLs. Each rate is compared with the first import's.
 * Needs `npm run build` (dist/) first.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runMeasured } from './lib/measure.ts';

const REPO = resolve(import.meta.dirname, '..');
const DATA = resolve(REPO, '../shared/data/reuters21578-dev.jsonl');
const FLOOR = resolve(REPO, '../shared/bench/work-floor.cjs');
if (!existsSync(DATA) || !existsSync(FLOOR)) {
  console.log(`skipped: ${DATA} or ${FLOOR} not found`);
  process.exit(0);
}
if (!existsSync(join(REPO, 'dist/src/cli/tradewire.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}

const { values } = parseArgs({
  options: {
    limit: { type: 'string', default: '10000' },
    repeat: { type: 'string', default: '1' },
    mode: { type: 'string', default: 'first' },
    profile: { type: 'string' },
  },
});
const limit = Number(values.limit);
const repeat = Number(values.repeat);

interface Rec {
  url: string;
  source: string;
  title: string;
  published: string;
  body: string;
}

function loadRecords(): Rec[] {
  const out: Rec[] = [];
  for (const line of readFileSync(DATA, 'utf8').split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as { id: string; date: string; title?: string; body?: string };
    if (!r.body || r.body.length < 200) continue;
    out.push({
      url: `https://reuters.example/article/${r.id}`,
      source: 'reuters',
      title: r.title ?? '',
      published: `${r.date}Z`,
      body: r.body,
    });
    if (out.length >= limit) break;
  }
  return out;
}

const write = (file: string, recs: Rec[]): string => {
  writeFileSync(file, `${recs.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return file;
};

const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
  runMeasured(cmd, args, { cwd: REPO, env });

const env = { ...process.env, TRADEWIRE_LOG_LEVEL: 'error' } as NodeJS.ProcessEnv;
delete env.REDIS_URL;
delete env.OPENAI_API_KEY;
delete env.OPENAI_BASE_URL;
delete env.DATABASE_URL;

let profileN = 0;
async function cliIngest(file: string, dataDir: string, n: number) {
  const prof = values.profile
    ? ['--cpu-prof', '--cpu-prof-dir', values.profile, `--cpu-prof-name=ingest-${++profileN}.cpuprofile`]
    : [];
  const r = await run(
    process.execPath,
    [...prof, 'bin/tradewire.js', 'ingest', file, '--json', '--data-dir', dataDir],
    env,
  );
  const report = JSON.parse(r.stdout) as {
    new: number;
    duplicates: number;
    joined: number;
    rejectedCount: number;
    articles: unknown[];
  };
  if (report.articles.length !== n) throw new Error(`expected ${n} articles, got ${report.articles.length}`);
  return { ...r, rate: n / r.secs, report };
}

async function floorRate(file: string, dir: string): Promise<number> {
  const r = await run(process.execPath, [FLOOR, file, join(dir, 'floor.db')]);
  rmSync(join(dir, 'floor.db'), { force: true });
  return Number(r.stdout.trim());
}

const recs = loadRecords();
const work = mkdtempSync(join(tmpdir(), 'tw-bench-ingest-'));
const fmt = (x: number) => x.toFixed(0).padStart(6);
try {
  const all = write(join(work, 'all.jsonl'), recs);
  for (let i = 1; i <= repeat; i++) {
    if (values.mode === 'first' || values.mode === 'all') {
      const floor = await floorRate(all, work);
      const dir = mkdtempSync(join(work, 'first-'));
      const r = await cliIngest(all, dir, recs.length);
      const { report } = r;
      console.log(
        `first import (${recs.length} articles, run ${i}): cli ${fmt(r.rate)}/s  floor ${fmt(floor)}/s  ratio ${(r.rate / floor).toFixed(2)}×  ` +
          `peak RSS ${r.peakRssMb.toFixed(0)} MB  (new ${report.new}, dup ${report.duplicates - report.joined}, joined ${report.joined}, ${r.secs.toFixed(1)} s)`,
      );
      rmSync(dir, { recursive: true, force: true });
    }
    if (values.mode === 'backfill' || values.mode === 'all') {
      const byDate = [...recs].sort((a, b) => a.published.localeCompare(b.published));
      const half = Math.floor(byDate.length / 2);
      const shifted = byDate.slice(0, half).map((r) => ({
        ...r,
        published: new Date(Date.parse(r.published) - 180 * 86_400_000).toISOString(),
      }));
      const older = write(join(work, 'older.jsonl'), shifted);
      const newer = write(join(work, 'newer.jsonl'), byDate.slice(half));
      const copies = write(
        join(work, 'copies.jsonl'),
        [...shifted, ...byDate.slice(half)].map((r) => ({
          ...r,
          url: `${r.url}?copy=1`,
          source: 'wire-copy',
        })),
      );
      const floor = await floorRate(all, work);
      const dir = mkdtempSync(join(work, 'backfill-'));
      const a = await cliIngest(newer, dir, byDate.length - half);
      const b = await cliIngest(older, dir, half);
      const c = await cliIngest(copies, dir, recs.length);
      console.log(
        `backfill (run ${i}; floor ${fmt(floor)}/s): newer half first ${fmt(a.rate)}/s (${(a.rate / floor).toFixed(2)}×)  ` +
          `older half after ${fmt(b.rate)}/s (${(b.rate / a.rate).toFixed(2)}× first)  ` +
          `copies with new URLs ${fmt(c.rate)}/s (${(c.rate / a.rate).toFixed(2)}× first, joined ${c.report.joined})  ` +
          `peak RSS ${Math.max(a.peakRssMb, b.peakRssMb, c.peakRssMb).toFixed(0)} MB`,
      );
      rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
