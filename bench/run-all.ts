/**
 * Runs every bench, one after another (they measure; running them side by side would skew them),
 * shows their output as it comes, then prints one table of their headline figures next to the
 * baseline each measured in the same run. Benches that need ../shared/data skip cleanly without it.
 * bench/fit-relevance.ts is a fitting tool, not a bench, and is not run.
 *
 *   npm run bench                    # all
 *   npm run bench -- --only startup,watches
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

interface Bench {
  name: string;
  /** The output line that carries the headline figure; the last match wins. */
  figure: RegExp;
  /** The output line with the same-run baseline, when the bench prints it on a line of its own. */
  baseline?: RegExp;
}

const BENCHES: Bench[] = [
  { name: 'startup', figure: /tradewire --help \(dist\)/, baseline: /node -e 0/ },
  { name: 'summarise', figure: /^offline summary \(2-3/, baseline: /^lead-N, = summary length/ },
  { name: 'stories', figure: /^grouping \(/, baseline: /baseline words\(\)/ },
  { name: 'watches', figure: /indexed prepare\+match/, baseline: /brute force, \d+/ },
  { name: 'ask', figure: /^target: retrieve p95/, baseline: /retrieve p95 = / },
  { name: 'digests', figure: /^\s+total /, baseline: /baseline: console writes/ },
  { name: 'llm-efficiency', figure: /targets: calls per unique story/, baseline: /naive \(per article\)/ },
  { name: 'pipeline', figure: /articles\/s/, baseline: /BullMQ empty jobs\/s/ },
  { name: 'ingest-floor', figure: /^first import/ },
  { name: 'memory', figure: /^growth from/, baseline: /^baseline: / },
  { name: 'metrics-scrape', figure: /^renderMetrics/, baseline: /^baseline \(counts/ },
  { name: 'scale', figure: /^3 worker processes, PostgreSQL/, baseline: /SQLite \(baseline\)/ },
];

const REPO = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { only: { type: 'string' } } });
const only = values.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((n) => !BENCHES.some((b) => b.name === n)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown bench: ${unknown.join(', ')} (have: ${BENCHES.map((b) => b.name).join(', ')})`);
  process.exit(2);
}

function runBench(name: string): Promise<{ code: number; lines: string[]; secs: number }> {
  const t0 = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `bench/${name}.ts`], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      process.stdout.write(d);
    });
    child.once('error', fail);
    child.once('close', (code) =>
      done({ code: code ?? 1, lines: out.split('\n'), secs: (performance.now() - t0) / 1000 }),
    );
  });
}

const lastMatch = (lines: string[], re: RegExp | undefined) =>
  re
    ? ([...lines]
        .reverse()
        .find((l) => re.test(l))
        ?.trim() ?? '')
    : '';

const rows: string[][] = [];
let failed = 0;
for (const b of BENCHES.filter((x) => !only || only.includes(x.name))) {
  console.log(`\n━━ bench/${b.name}.ts`);
  const r = await runBench(b.name);
  const skipped = r.lines.find((l) => /\bskipped\b/i.test(l) && !b.figure.test(l));
  let figure = lastMatch(r.lines, b.figure);
  if (r.code !== 0) {
    failed++;
    figure = `FAILED (exit ${r.code})`;
  } else if (!figure) figure = skipped?.trim() ?? '(no headline line found)';
  rows.push([b.name, figure, r.code === 0 ? lastMatch(r.lines, b.baseline) : '', `${r.secs.toFixed(0)} s`]);
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
console.log('\n| bench | headline | baseline in the same run | took |\n| --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.map(cell).join(' | ')} |`);
if (failed > 0) {
  console.error(`${failed} bench(es) failed`);
  process.exitCode = 1;
}
