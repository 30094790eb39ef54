import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { ConsoleLine } from '../../../adapters/console/console-platform.ts';
import type { IngestReport } from '../../../src/cli/commands/ingest.ts';
import type { Watch } from '../../../src/domain.ts';
import { type CliResult, REPO, runCli, tempDir } from '../../helpers/cli.ts';

/**
 * Keyword watches end to end: the real CLI as a subprocess (`watch add/list/remove`, `ingest`), the
 * shared test Redis under a unique queue prefix, the console channel's JSONL file as the output.
 * No LLM is configured, so stories are summarised offline.
 */

const TRADE_WEEK = join(REPO, 'samples/trade-week.jsonl');
const LUMBER = join(REPO, 'test/fixtures/pipeline/lumber-original.jsonl');
const LUMBER_EXPANDED = join(REPO, 'test/fixtures/pipeline/lumber-expanded.jsonl');
const SAMPLE_LINES = readFileSync(TRADE_WEEK, 'utf8').split('\n').filter(Boolean);
/** samples/trade-week.jsonl: 0–4 the EU steel safeguard (0 original, 1–4 syndicated copies), 5 Mexico steel, 9 Canada steel. */
const EU_STEEL = 0;
const EU_STEEL_COPY = 2;
const MEXICO_STEEL = 5;
const CANADA_STEEL = 9;
const SLOW = 120_000;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

let prefixN = 0;
function env(extra: Record<string, string> = {}): { dir: string; env: Record<string, string> } {
  const dir = tempDir('tw-watch-');
  dirs.push(dir);
  return {
    dir,
    env: {
      TRADEWIRE_DATA_DIR: dir,
      REDIS_URL: inject('redisUrl'),
      TRADEWIRE_QUEUE_PREFIX: `watch${process.pid}x${prefixN++}`,
      ...extra,
    },
  };
}

/** Writes sample lines to a file of their own, so one article can be ingested at a time. */
function sampleFile(dir: string, name: string, ...lines: number[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.map((i) => SAMPLE_LINES[i]).join('\n')}\n`);
  return file;
}

function ok(r: CliResult): CliResult {
  expect(r.code, r.stderr).toBe(0);
  return r;
}

async function addWatch(e: Record<string, string>, query: string, channel: string): Promise<Watch> {
  return JSON.parse(
    ok(await runCli(['watch', 'add', query, '--channel', channel, '--json'], e)).stdout,
  ) as Watch;
}

async function ingest(e: Record<string, string>, ...files: string[]): Promise<IngestReport> {
  const report = JSON.parse(ok(await runCli(['ingest', ...files, '--json'], e)).stdout) as IngestReport;
  expect(report.rejected).toEqual([]);
  return report;
}

function channelLines(dir: string, name: string): ConsoleLine[] {
  const file = join(dir, 'channels', `${name}.jsonl`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ConsoleLine);
}

/** stderr as the user sees it: exactly one non-empty line expected for a clean error. */
function errorLines(r: CliResult): string[] {
  return r.stderr.split('\n').filter((l) => l.trim() !== '');
}

describe('watch alerts through the CLI', () => {
  it(
    'alerts once; re-ingesting the article or a syndicated copy does not alert again',
    async () => {
      const { dir, env: e } = env();
      const original = sampleFile(dir, 'eu-steel.jsonl', EU_STEEL);
      const copy = sampleFile(dir, 'eu-steel-copy.jsonl', EU_STEEL_COPY);
      const w = await addWatch(e, 'steel safeguard', 'console:desk');
      expect(w).toMatchObject({ channel: 'console:desk', query: 'steel safeguard' });

      const first = await ingest(e, original);
      expect(first).toMatchObject({ new: 1 });
      const storyId = first.articles[0]!.storyId;
      const lines = channelLines(dir, 'desk');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        kind: 'alert',
        watchId: w.id,
        storyIds: [storyId],
        deliveryId: `alert:${w.id}:${storyId}`,
      });
      expect(lines[0]!.text).toContain(`Watch ${w.id} (steel safeguard)`);
      expect(lines[0]!.text.toLowerCase()).toContain('steel');

      const again = await ingest(e, original);
      expect(again.articles[0]).toMatchObject({ storyId, status: 'duplicate' });
      expect(channelLines(dir, 'desk')).toHaveLength(1);

      const joined = await ingest(e, copy);
      expect(joined.articles[0]).toMatchObject({ storyId, status: 'joined-story' });
      expect(channelLines(dir, 'desk')).toHaveLength(1);
    },
    SLOW,
  );

  it(
    're-summarising a story after a material update does not alert its watch again',
    async () => {
      const { dir, env: e } = env();
      const w = await addWatch(e, '"softwood lumber"', 'console:desk');
      const first = await ingest(e, LUMBER);
      const storyId = first.articles[0]!.storyId;
      expect(channelLines(dir, 'desk').map((l) => l.deliveryId)).toEqual([`alert:${w.id}:${storyId}`]);

      const update = await ingest(e, LUMBER_EXPANDED);
      expect(update.articles[0]).toMatchObject({ storyId, status: 'joined-story' });
      expect(channelLines(dir, 'desk')).toHaveLength(1);
    },
    SLOW,
  );

  it(
    'a negated phrase suppresses the alert for the stories that contain it',
    async () => {
      const { dir, env: e } = env();
      const neg = await addWatch(e, 'steel -"trade diversion"', 'console:neg');
      const all = await addWatch(e, 'steel', 'console:all');
      const report = await ingest(e, TRADE_WEEK);
      const storyOf = (line: number) => report.articles[line]!.storyId;

      // Without the exclusion: the EU safeguard, Mexico and Canada steel stories.
      const everySteel = channelLines(dir, 'all');
      expect(everySteel.every((l) => l.kind === 'alert' && l.watchId === all.id)).toBe(true);
      expect(everySteel.flatMap((l) => l.storyIds).sort()).toEqual(
        [storyOf(EU_STEEL), storyOf(MEXICO_STEEL), storyOf(CANADA_STEEL)].sort(),
      );
      // EU and Canada mention "trade diversion": only Mexico is left.
      const lines = channelLines(dir, 'neg');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ kind: 'alert', watchId: neg.id, storyIds: [storyOf(MEXICO_STEEL)] });
    },
    SLOW,
  );

  it(
    'a bad query exits non-zero with one line pointing at the column, and stores nothing',
    async () => {
      const { env: e } = env();
      const r = await runCli(['watch', 'add', 'steel AND (tariffs', '--channel', 'console:desk'], e);
      expect(r.code).not.toBe(0);
      expect(r.stdout).toBe('');
      const lines = errorLines(r);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^tradewire: .*column 11\b/);
      expect(lines[0]).toContain('(');

      const quote = await runCli(['watch', 'add', 'steel "export controls', '--channel', 'console:desk'], e);
      expect(quote.code).not.toBe(0);
      expect(errorLines(quote)).toHaveLength(1);
      expect(errorLines(quote)[0]).toMatch(/column 7\b/);

      const list = JSON.parse(ok(await runCli(['watch', 'list', '--json'], e)).stdout) as {
        watches: Watch[];
      };
      expect(list.watches).toEqual([]);
    },
    SLOW,
  );

  it(
    'the per-channel limit gives a clear error and leaves other channels alone',
    async () => {
      const { env: e } = env({ TRADEWIRE_MAX_WATCHES_PER_CHANNEL: '2' });
      await addWatch(e, 'steel', 'console:desk');
      await addWatch(e, 'soybeans', 'console:desk');
      const r = await runCli(['watch', 'add', 'aluminium', '--channel', 'console:desk'], e);
      expect(r.code).not.toBe(0);
      const lines = errorLines(r);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('console:desk');
      expect(lines[0]).toMatch(/limit 2\b/);
      expect(lines[0]).toContain('watch remove');

      await addWatch(e, 'aluminium', 'console:other');
      const list = JSON.parse(ok(await runCli(['watch', 'list', '--json'], e)).stdout) as {
        watches: Watch[];
      };
      expect(list.watches.map((w) => `${w.channel} ${w.query}`).sort()).toEqual([
        'console:desk soybeans',
        'console:desk steel',
        'console:other aluminium',
      ]);
    },
    SLOW,
  );

  it(
    'watch list --json and watch remove',
    async () => {
      const { env: e } = env();
      const a = await addWatch(e, 'steel tariffs -canada', 'console:a');
      const b = await addWatch(e, '"export controls" chips', 'console:b');
      // The same query again (different spacing) is the same watch, not a second one.
      expect((await addWatch(e, 'steel  tariffs -canada', 'console:a')).id).toBe(a.id);

      const list = JSON.parse(ok(await runCli(['watch', 'list', '--json'], e)).stdout) as {
        watches: Watch[];
      };
      expect(list.watches.map((w) => w.id).sort()).toEqual([a.id, b.id].sort());
      expect(list.watches.find((w) => w.id === b.id)).toMatchObject({
        channel: 'console:b',
        query: '"export controls" chips',
      });
      const onlyA = JSON.parse(
        ok(await runCli(['watch', 'list', '--channel', 'console:a', '--json'], e)).stdout,
      ) as {
        watches: Watch[];
      };
      expect(onlyA.watches.map((w) => w.id)).toEqual([a.id]);

      const removed = JSON.parse(ok(await runCli(['watch', 'remove', a.id, '--json'], e)).stdout) as {
        removed: string;
      };
      expect(removed).toEqual({ removed: a.id });
      const after = JSON.parse(ok(await runCli(['watch', 'list', '--json'], e)).stdout) as {
        watches: Watch[];
      };
      expect(after.watches.map((w) => w.id)).toEqual([b.id]);

      const missing = await runCli(['watch', 'remove', a.id], e);
      expect(missing.code).not.toBe(0);
      expect(errorLines(missing)).toHaveLength(1);
      expect(errorLines(missing)[0]).toContain(`no watch with id ${a.id}`);
    },
    SLOW,
  );
});
