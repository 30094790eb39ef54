/**
 * CLI start-up: `tradewire --help` through the compiled bin (what users run) and through tsx (the
 * development path), beside `node -e 0` measured in the same run, interleaved, median of N runs.
 * Target: the compiled `tradewire --help` ≤ 0.5 s. Builds dist/ first when it is missing.
 *
 *   node --import tsx bench/startup.ts [--runs 9]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const REPO = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const RUNS = Number(values.runs);

if (!existsSync(join(REPO, 'dist/src/cli/tradewire.js'))) {
  console.log('startup: dist/ missing, building it (npm run build)');
  const b = spawnSync('npm', ['run', 'build', '--silent'], { cwd: REPO, stdio: 'inherit' });
  if (b.status !== 0) throw new Error('npm run build failed');
}

const cases: { name: string; args: string[] }[] = [
  { name: 'node -e 0 (baseline)', args: ['-e', '0'] },
  { name: 'tradewire --help (dist)', args: [join(REPO, 'bin/tradewire.js'), '--help'] },
  {
    name: 'tradewire --help (tsx, dev)',
    args: ['--import', 'tsx', join(REPO, 'src/cli/tradewire.ts'), '--help'],
  },
];

function once(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const times = cases.map(() => [] as number[]);
for (const c of cases) once(c.args); // warm the file cache
for (let i = 0; i < RUNS; i++) {
  for (const [j, c] of cases.entries()) times[j]?.push(once(c.args));
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const med = times.map(median);
const base = med[0]!;
console.log(`startup (${process.version}, median of ${RUNS} interleaved runs):`);
cases.forEach((c, j) => {
  const ms = med[j]!;
  const extra = j === 0 ? '' : `  (+${(ms - base).toFixed(0)} ms over node, ${(ms / base).toFixed(1)}×)`;
  console.log(
    `  ${c.name.padEnd(28)} ${(ms / 1000).toFixed(3)} s  min ${(Math.min(...times[j]!) / 1000).toFixed(3)} s${extra}`,
  );
});
const dist = med[1]!;
console.log(
  `  target tradewire --help ≤ 0.5 s: ${dist <= 500 ? 'met' : 'MISSED'} (${(dist / 1000).toFixed(3)} s)`,
);
