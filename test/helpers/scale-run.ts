import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Queue } from 'bullmq';
import pg from 'pg';
import type { ArticleInput } from '../../src/domain.ts';
import type { DigestJob } from '../../src/queue/jobs.ts';
import { DIGEST_QUEUE, deliverQueue, INGEST_QUEUE, SUMMARISE_QUEUE } from '../../src/queue/names.ts';
import { BIN, REPO, runCli, tempDir } from './cli.ts';
import { toJsonl } from './scale-articles.ts';

/**
 * One run of `tradewire run --role worker` processes over a shared store and Redis, fed by
 * `tradewire ingest --no-wait`, as the scale drill and bench/scale.ts use it. Stories are named by the
 * event they report (`file <n>` in every title of scale-articles.ts), so runs whose story ids differ
 * (the first copy to arrive names the story) can be compared.
 */
export interface ScaleRunOptions {
  label: string;
  articles: readonly ArticleInput[];
  /** PostgreSQL database URL, or null for the SQLite file in the run's data dir. */
  databaseUrl: string | null;
  redisUrl: string;
  workers: number;
  /** Extra environment for every process (an LLM, concurrency). */
  env?: Record<string, string>;
  /** A watch to add on console:a before the import (alerts are compared). */
  watch?: string;
  /** SIGKILL worker 0 once this many articles are stored, then start it again. */
  killAtArticles?: number;
  /** After the import: fire the scheduled digest of console:d this many times (as if fired twice). */
  digestFires?: number;
  timeoutMs?: number;
}

export interface ScaleOutcome {
  dir: string;
  articles: number;
  distinctUrls: number;
  /** Event number → stories holding its articles (1 when grouping is right). */
  storiesPerEvent: Map<number, number>;
  stories: number;
  unsummarised: number;
  /** Event → summary versions stored. */
  summaryVersions: Map<number, number>;
  alerts: string[];
  digests: string[][];
  /** Deliveries in the ledger by status. */
  deliveries: Record<string, number>;
  /** From the enqueue of the first article to every article stored and summarised, alerts posted. */
  pipelineMs: number;
  killedAt: number | null;
}

type Rows = Array<Record<string, unknown>>;

async function query(databaseUrl: string | null, dir: string, sql: string): Promise<Rows> {
  if (databaseUrl) {
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    try {
      return (await c.query(sql)).rows as Rows;
    } catch {
      return []; // not migrated yet
    } finally {
      await c.end();
    }
  }
  const file = join(dir, 'tradewire.db');
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all() as Rows;
  } catch {
    return [];
  } finally {
    db.close();
  }
}

const count = async (url: string | null, dir: string, sql: string) =>
  Number((await query(url, dir, sql))[0]?.n ?? 0);

const eventOf = (title: unknown): number => Number(/file (\d+)$/.exec(String(title))?.[1] ?? -1);

function consoleLines(dir: string, channel: string): Array<{ kind: string; storyIds: string[] }> {
  const file = join(dir, 'channels', `${channel}.jsonl`);
  if (!existsSync(file)) return [];
  // Every line must parse: a torn write fails the run here.
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { kind: string; storyIds: string[] });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runScale(o: ScaleRunOptions): Promise<ScaleOutcome> {
  const dir = tempDir(`tw-scale-${o.label}-`);
  const prefix = `tw-scale-${o.label}-${process.pid}-${Date.now().toString(36)}`;
  const env: Record<string, string> = {
    TRADEWIRE_DATA_DIR: dir,
    REDIS_URL: o.redisUrl,
    TRADEWIRE_QUEUE_PREFIX: prefix,
    TRADEWIRE_LOG_LEVEL: 'warn',
    ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
    ...o.env,
  };
  const procEnv = (): NodeJS.ProcessEnv => {
    const base = { ...process.env };
    for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'DATABASE_URL']) delete base[k];
    return { ...base, ...env };
  };
  if (o.watch) {
    const w = await runCli(['watch', 'add', o.watch, '--channel', 'console:a'], env);
    if (w.code !== 0) throw new Error(`watch add failed: ${w.stderr}`);
  }
  const input = join(dir, 'in.jsonl');
  writeFileSync(input, toJsonl(o.articles));
  const conn = { url: o.redisUrl };
  const queues = [INGEST_QUEUE, SUMMARISE_QUEUE, DIGEST_QUEUE, deliverQueue('console')].map(
    (name) => new Queue(name, { connection: conn, prefix }),
  );
  const workers: ChildProcess[] = [];
  /** Resolves once the worker logs that it runs (its queues are being worked). */
  const startWorker = (i: number): Promise<void> => {
    const child = spawn(process.execPath, [BIN, 'run', '--role', 'worker'], {
      cwd: REPO,
      env: { ...procEnv(), TRADEWIRE_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    workers[i] = child;
    let tail = '';
    return new Promise((resolve, reject) => {
      child.stderr?.on('data', (d: Buffer) => {
        tail = (tail + d.toString()).slice(-8000);
        if (tail.includes('"msg":"tradewire running"')) resolve();
      });
      child.once('exit', (code, signal) => {
        if (signal === null) reject(new Error(`worker ${i} exited ${code}: ${tail}`));
      });
    });
  };
  const idle = async (): Promise<boolean> => {
    for (const q of queues) {
      const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      if (Object.values(c).some((n) => n > 0)) return false;
    }
    return true;
  };
  const url = o.databaseUrl;
  const n = o.articles.length;
  let killedAt: number | null = null;
  try {
    await Promise.all(Array.from({ length: o.workers }, (_, i) => startWorker(i)));
    const started = Date.now();
    const ing = await runCli(['ingest', input, '--no-wait', '--json'], env);
    if (ing.code !== 0) throw new Error(`ingest failed: ${ing.stderr}`);
    const deadline = started + (o.timeoutMs ?? 150_000);
    let settledSince = 0;
    let last = '';
    for (;;) {
      if (Date.now() > deadline) throw new Error(`${o.label}: pipeline did not settle in time: ${last}`);
      const stored = await count(url, dir, 'SELECT count(*) AS n FROM articles');
      if (o.killAtArticles !== undefined && killedAt === null && stored >= o.killAtArticles) {
        killedAt = stored;
        const victim = workers[0]!;
        const gone = new Promise((r) => victim.once('exit', r));
        victim.kill('SIGKILL');
        await gone;
        await startWorker(0);
      }
      const unsummarised = await count(
        url,
        dir,
        'SELECT count(*) AS n FROM stories WHERE summary_version < wanted_summary_version',
      );
      const done = stored === n && unsummarised === 0 && (await idle());
      last = `${stored}/${n} stored, ${unsummarised} unsummarised, queues ${JSON.stringify(
        await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'failed'))),
      )}`;
      if (process.env.TRADEWIRE_SCALE_TRACE) console.log(`${o.label} +${Date.now() - started} ms: ${last}`);
      if (!done) settledSince = 0;
      else if (settledSince === 0) settledSince = Date.now();
      // Idle twice, 500 ms apart: a job moving between queues is never missed.
      else if (Date.now() - settledSince >= 500) break;
      await sleep(100);
    }
    const pipelineMs = Date.now() - started - 500;
    if (o.digestFires) {
      const digest = queues[2]!;
      const at = new Date().toISOString();
      for (let f = 0; f < o.digestFires; f++) {
        const job: DigestJob = { channel: 'console:d', trigger: 'schedule', at };
        await digest.add('digest', job, { jobId: `scale-digest-${f}` });
      }
      await sleep(300);
      while (!(await idle())) {
        if (Date.now() > deadline) throw new Error(`${o.label}: digests did not settle in time`);
        await sleep(100);
      }
    }
    const storyRows = await query(url, dir, 'SELECT story_id, title FROM articles');
    const eventByStory = new Map<string, number>();
    const storiesPerEventSets = new Map<number, Set<string>>();
    for (const r of storyRows) {
      const e = eventOf(r.title);
      eventByStory.set(String(r.story_id), e);
      const s = storiesPerEventSets.get(e) ?? new Set<string>();
      s.add(String(r.story_id));
      storiesPerEventSets.set(e, s);
    }
    const named = (ids: string[]) => ids.map((id) => String(eventByStory.get(id) ?? `?${id}`));
    const summaryVersions = new Map<number, number>();
    for (const r of await query(
      url,
      dir,
      'SELECT story_id, count(*) AS n FROM summaries GROUP BY story_id',
    )) {
      summaryVersions.set(eventByStory.get(String(r.story_id)) ?? -1, Number(r.n));
    }
    const deliveries: Record<string, number> = {};
    for (const r of await query(url, dir, 'SELECT status, count(*) AS n FROM deliveries GROUP BY status')) {
      deliveries[String(r.status)] = Number(r.n);
    }
    return {
      dir,
      articles: await count(url, dir, 'SELECT count(*) AS n FROM articles'),
      distinctUrls: await count(url, dir, 'SELECT count(DISTINCT url) AS n FROM articles'),
      storiesPerEvent: new Map([...storiesPerEventSets].map(([e, s]) => [e, s.size])),
      stories: await count(url, dir, 'SELECT count(*) AS n FROM stories'),
      unsummarised: await count(
        url,
        dir,
        'SELECT count(*) AS n FROM stories WHERE summary_version < wanted_summary_version',
      ),
      summaryVersions,
      alerts: consoleLines(dir, 'a').map((l) => named(l.storyIds).join(',')),
      digests: consoleLines(dir, 'd').map((l) => named(l.storyIds).sort()),
      deliveries,
      pipelineMs,
      killedAt,
    };
  } finally {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.exitCode !== null || w.signalCode !== null) return resolve();
            const t = setTimeout(() => w.kill('SIGKILL'), 10_000);
            w.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            w.kill('SIGTERM');
          }),
      ),
    );
    await Promise.all(queues.map((q) => q.close()));
  }
}
