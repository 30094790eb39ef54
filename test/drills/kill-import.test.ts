import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BIN, REPO, runCli, tempDir } from '../helpers/cli.ts';
import { rng } from '../helpers/rng.ts';

/**
 * Drill: the ingest process is SIGKILLed part-way through an import, then the same import is run
 * again. Against an undisturbed control run on the same input: every article stored once, every story
 * summarised, the same alerts, none twice, no torn console line.
 */

const COUNTRIES = [
  'Canada',
  'Mexico',
  'Japan',
  'India',
  'Brazil',
  'Vietnam',
  'Chile',
  'Kenya',
  'Norway',
  'Peru',
];
const GOODS = ['steel', 'aluminium', 'solar panels', 'soybeans', 'lumber', 'semiconductors', 'dairy', 'rice'];
const MEASURES = ['tariffs', 'an anti-dumping probe', 'import quotas', 'export controls', 'a trade deal'];

function articles(n: number): string {
  const rand = rng(7);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const country = pick(COUNTRIES);
    const good = pick(GOODS);
    const measure = pick(MEASURES);
    const figure = 5 + Math.floor(rand() * 40);
    lines.push(
      JSON.stringify({
        url: `https://drill.example.com/${i}`,
        source: `Drill Wire ${i % 7}`,
        title: `${country} weighs ${measure} on ${good} (report ${i})`,
        published: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}T08:00:00Z`,
        body: `${country} announced ${measure} affecting ${good} worth ${figure} million dollars on report day ${i}. Officials in the ministry said the decision ${i} followed consultations with exporters. Industry group number ${i} warned that prices for ${good} could rise by ${figure % 9} percent.`,
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

interface Outcome {
  articles: number;
  stories: number;
  unsummarised: number;
  alerts: string[];
}

function outcome(dir: string): Outcome {
  const db = new Database(join(dir, 'tradewire.db'), { readonly: true });
  const one = (sql: string) => Number((db.prepare(sql).get() as { n: number }).n);
  const o = {
    articles: one('SELECT count(*) AS n FROM articles'),
    stories: one('SELECT count(*) AS n FROM stories'),
    unsummarised: one('SELECT count(*) AS n FROM stories WHERE summary_version < wanted_summary_version'),
  };
  db.close();
  const file = join(dir, 'channels', 'a.jsonl');
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  // Every line parses: no torn write.
  const alerts = lines.map((l) => (JSON.parse(l) as { storyIds: string[] }).storyIds.join(','));
  return { ...o, alerts };
}

async function storedSoFar(dir: string): Promise<number> {
  try {
    const db = new Database(join(dir, 'tradewire.db'), { readonly: true, fileMustExist: true });
    const n = Number((db.prepare('SELECT count(*) AS n FROM articles').get() as { n: number }).n);
    db.close();
    return n;
  } catch {
    return 0;
  }
}

describe('drill: SIGKILL of the ingest process mid-import, then a re-run', () => {
  it('finishes the interrupted work: same stories and alerts as an undisturbed run, none twice', async () => {
    const N = 1_200;
    const control = tempDir('tw-drill-control-');
    const drill = tempDir('tw-drill-');
    const input = join(control, 'in.jsonl');
    writeFileSync(input, articles(N));
    for (const dir of [control, drill]) {
      const w = await runCli(['watch', 'add', 'tariffs OR quotas', '--channel', 'console:a'], {
        TRADEWIRE_DATA_DIR: dir,
      });
      expect(w.code, w.stderr).toBe(0);
    }

    const c = await runCli(['ingest', input, '--json'], { TRADEWIRE_DATA_DIR: control });
    expect(c.code, c.stderr).toBe(0);
    const expected = outcome(control);
    expect(expected.articles).toBe(N);
    expect(expected.unsummarised).toBe(0);
    expect(expected.alerts.length).toBeGreaterThan(10);

    const env: NodeJS.ProcessEnv = { ...process.env, TRADEWIRE_DATA_DIR: drill, TRADEWIRE_LOG_LEVEL: 'warn' };
    delete env.REDIS_URL;
    const child = spawn(process.execPath, [BIN, 'ingest', input], { cwd: REPO, env, stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    const deadline = Date.now() + 60_000;
    while ((await storedSoFar(drill)) < N / 4 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    const cut = outcome(drill);
    expect(cut.articles).toBeGreaterThan(0);
    console.log(
      `drill: killed after ${cut.articles}/${N} articles, ${cut.unsummarised} stories unsummarised, ${cut.alerts.length} alerts`,
    );

    const again = await runCli(['ingest', input, '--json'], { TRADEWIRE_DATA_DIR: drill });
    expect(again.code, again.stderr).toBe(0);
    const got = outcome(drill);
    console.log(
      `drill: after the re-run ${got.articles} articles, ${got.stories} stories (control ${expected.stories}), ${got.unsummarised} unsummarised, ${got.alerts.length} alerts (control ${expected.alerts.length})`,
    );
    expect(got.articles).toBe(N);
    expect(got.stories).toBe(expected.stories);
    expect(got.unsummarised).toBe(0);
    expect(new Set(got.alerts).size).toBe(got.alerts.length);
    expect([...got.alerts].sort()).toEqual([...expected.alerts].sort());
  }, 180_000);
});
