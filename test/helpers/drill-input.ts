import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { rng } from './rng.ts';

/** Synthetic input and outcome readers shared by the fault drills (test/drills/). */

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

/** `n` JSON Lines trade articles, each its own story, about two in five matching `tariffs OR quotas`. */
export function drillArticles(n: number, seed = 7): string {
  const rand = rng(seed);
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

export interface DrillOutcome {
  articles: number;
  stories: number;
  /** Stories whose wanted summary is not written. */
  unsummarised: number;
  /** Summary rows written: once per story (and version) means no story was summarised twice. */
  summaries: number;
  /** One entry per line in the console channel: the alerted story ids. */
  alerts: string[];
  /** Ledger rows not delivered (pending, rate-limited, failed). */
  undelivered: number;
}

/** What a data dir holds after a run; every console line must parse (no torn write). */
export function drillOutcome(dir: string, channel = 'a'): DrillOutcome {
  const db = new Database(join(dir, 'tradewire.db'), { readonly: true });
  const one = (sql: string) => Number((db.prepare(sql).get() as { n: number }).n);
  const o = {
    articles: one('SELECT count(*) AS n FROM articles'),
    stories: one('SELECT count(*) AS n FROM stories'),
    unsummarised: one('SELECT count(*) AS n FROM stories WHERE summary_version < wanted_summary_version'),
    summaries: one('SELECT count(*) AS n FROM summaries'),
    undelivered: one(`SELECT count(*) AS n FROM deliveries WHERE status <> 'delivered'`),
  };
  db.close();
  const file = join(dir, 'channels', `${channel}.jsonl`);
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  const alerts = lines.map((l) => (JSON.parse(l) as { storyIds: string[] }).storyIds.join(','));
  return { ...o, alerts };
}

/** Articles committed so far (0 before the database exists). */
export function storedSoFar(dir: string): number {
  try {
    const db = new Database(join(dir, 'tradewire.db'), { readonly: true, fileMustExist: true });
    const n = Number((db.prepare('SELECT count(*) AS n FROM articles').get() as { n: number }).n);
    db.close();
    return n;
  } catch {
    return 0;
  }
}

/** The comparison every drill prints and asserts: the same as the control run, nothing twice. */
export function describeAgainst(label: string, got: DrillOutcome, control: DrillOutcome): string {
  return `${label}: ${got.articles} articles (control ${control.articles}), ${got.stories} stories (control ${control.stories}), ${got.unsummarised} unsummarised, ${got.summaries} summaries (control ${control.summaries}), ${got.alerts.length} alerts (control ${control.alerts.length}), ${new Set(got.alerts).size} distinct, ${got.undelivered} undelivered`;
}
