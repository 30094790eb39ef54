/**
 * Hostile inputs through the real CLI (`bin/tradewire.js ingest …` as a subprocess, on a private
 * test Redis), each with its wall time and peak RSS (`/usr/bin/time -f %M`), beside a normal file of
 * 1,000 synthetic articles in the same run. Every hostile case should be bounded: seconds and
 * hundreds of MB, not minutes and GB.
 *
 *   node --import tsx bench/hostile-input.ts [--full]      (--full: 3 and 6 million `{}` lines)
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestRedis } from '../test/helpers/redis-server.ts';

const REPO = resolve(import.meta.dirname, '..');
const BIN = join(REPO, 'bin/tradewire.js');
const full = process.argv.includes('--full');
const dir = mkdtempSync(join(tmpdir(), 'tw-bench-hostile-'));
const redis = await startTestRedis();

const article = (i: number) =>
  JSON.stringify({
    title: `Canada sets duty ${i} on imported steel`,
    source: 'Bench Wire',
    published: '2026-11-20',
    body: `Canada announced duty number ${i} on imported steel on Tuesday. Officials said measure ${i} answers a surge of shipments. Exporters asked for talks on item ${i}.`,
  });

async function writeLines(path: string, n: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < n; i++) if (!out.write(`${line(i)}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

interface Case {
  name: string;
  args: string[];
  env?: Record<string, string>;
  /** What a bounded run looks like, for the "ok" column. */
  expect: string;
}

const p = '<p>Canada raised duties on steel imports from three countries on Tuesday, officials said.</p>';
const nested = (d: number) =>
  `<html><head><title>Steel</title></head><body>${'<div>'.repeat(d)}${p}${'</div>'.repeat(d)}</body></html>`;
const f = (name: string) => join(dir, name);

await writeLines(f('normal.jsonl'), 1_000, article);
await writeLines(f('deep-published.jsonl'), 1_000, (i) =>
  i === 500 ? `{"body":"x y z","published":${'['.repeat(10_000)}${']'.repeat(10_000)}}` : article(i),
);
writeFileSync(f('nested-1k.html'), nested(1_000));
writeFileSync(f('nested-100k.html'), nested(100_000));
writeFileSync(
  f('wide-20k.html'),
  `<html><body>${'<div><span>x</span></div>'.repeat(20_000)}${p}</body></html>`,
);
const huge = 'tariff '.repeat(750_000);
writeFileSync(
  f('huge-fields.jsonl'),
  `${JSON.stringify({ title: huge, source: huge, body: 'Steel duties rose on Tuesday.' })}\n${JSON.stringify({ url: `https://example.com/${'a'.repeat(5_000_000)}`, body: 'Steel duties rose again.' })}\n`,
);
await writeLines(f('nul-line.jsonl'), 1_000, (i) => (i === 3 ? '{"body":"a\u0000b"}' : article(i)));
const emptyCounts = full ? [3_000_000, 6_000_000] : [1_000_000];
for (const n of emptyCounts) await writeLines(f(`empty-${n}.jsonl`), n, () => '{}');
execFileSync('mkfifo', [f('no-writer.jsonl')]);

const ingest = (file: string): string[] => ['ingest', '--json', f(file)];
const cases: Case[] = [
  { name: 'normal: 1,000 articles', args: ingest('normal.jsonl'), expect: 'all stored (a few join a story)' },
  {
    name: 'published: 10,000-deep array',
    args: ingest('deep-published.jsonl'),
    expect: '999 new, 1 rejected',
  },
  { name: 'HTML: 1,000 nested <div>s', args: ingest('nested-1k.html'), expect: '1 new' },
  { name: 'HTML: 100,000 nested <div>s', args: ingest('nested-100k.html'), expect: '1 new' },
  { name: 'HTML: 20,000 sibling elements', args: ingest('wide-20k.html'), expect: '1 new' },
  {
    name: '5 MB title+source, 5 MB URL',
    args: ingest('huge-fields.jsonl'),
    expect: '1 new (cut), 1 rejected',
  },
  { name: 'one NUL byte in line 4', args: ingest('nul-line.jsonl'), expect: '999 new, 1 rejected' },
  ...emptyCounts.map((n) => ({
    name: `${n.toLocaleString('en-US')} lines of {}`,
    args: ingest(`empty-${n}.jsonl`),
    expect: `${n.toLocaleString('en-US')} rejected, 100 listed`,
  })),
  {
    name: 'FIFO with no writer',
    args: ingest('no-writer.jsonl'),
    env: { TRADEWIRE_INGEST_OPEN_TIMEOUT_MS: '2000' },
    expect: 'rejected after 2 s',
  },
  {
    name: 'watch query of 10,000 terms',
    args: [
      'watch',
      'add',
      '--channel',
      'console:a',
      ...Array.from({ length: 10_000 }, (_, i) => `w${i}`)
        .join(' OR ')
        .split(' '),
    ],
    expect: 'query/parse, exit 2',
  },
];

interface Run {
  code: number;
  seconds: number;
  peakMb: number;
  stdout: string;
  stderr: string;
}

function run(c: Case, n: number): Promise<Run> {
  const dataDir = join(dir, `data-${n}`);
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(
      '/usr/bin/time',
      ['-f', 'PEAK_KB %M', process.execPath, BIN, ...c.args, '--data-dir', dataDir],
      {
        cwd: REPO,
        env: {
          ...process.env,
          OPENAI_API_KEY: '',
          OPENAI_BASE_URL: '',
          REDIS_URL: redis.url,
          TRADEWIRE_QUEUE_PREFIX: `hostile${n}`,
          TRADEWIRE_LOG_LEVEL: 'error',
          ...c.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', fail);
    child.on('close', (code) => {
      const kb = Number(/PEAK_KB (\d+)/.exec(stderr)?.[1] ?? 0);
      done({
        code: code ?? -1,
        seconds: (performance.now() - started) / 1000,
        peakMb: kb / 1024,
        stdout,
        stderr,
      });
    });
  });
}

function outcome(r: Run): string {
  try {
    const j = JSON.parse(r.stdout) as { new?: number; rejectedCount?: number; rejected?: unknown[] };
    if (j.new !== undefined)
      return `${j.new} new, ${j.rejectedCount} rejected (${j.rejected?.length} listed)`;
  } catch {
    // Not a report: show the error line.
  }
  const line = r.stderr.split('\n').find((l) => /error|rejected|query/i.test(l)) ?? '';
  return line.slice(0, 90);
}

const rows: string[][] = [];
for (const [i, c] of cases.entries()) {
  const r = await run(c, i);
  rows.push([c.name, r.seconds.toFixed(1), r.peakMb.toFixed(0), String(r.code), outcome(r), c.expect]);
  console.error(`${c.name}: ${r.seconds.toFixed(1)} s, ${r.peakMb.toFixed(0)} MB`);
}
const head = ['input', 'seconds', 'peak MB', 'exit', 'outcome', 'expected'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const fmt = (r: string[]) => r.map((v, i) => v.padEnd(widths[i]!)).join('  ');
console.log(fmt(head));
for (const r of rows) console.log(fmt(r));
const base = rows[0]!;
console.log(
  `\nbaseline (normal 1,000 articles): ${base[1]} s, ${base[2]} MB; worst hostile: ${Math.max(...rows.slice(1).map((r) => Number(r[1])))} s, ${Math.max(...rows.slice(1).map((r) => Number(r[2])))} MB`,
);

await redis.stop();
rmSync(dir, { recursive: true, force: true });
