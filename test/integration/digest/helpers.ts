import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type App, openApp } from '../../../src/cli/app.ts';
import type { ArticleInput, Schedule } from '../../../src/domain.ts';
import { ingestArticle } from '../../../src/ingest/ingest-article.ts';
import { validateArticle } from '../../../src/ingest/validate.ts';
import type { IngestResult, Store } from '../../../src/store/store.ts';

export const REPO = resolve(import.meta.dirname, '../../..');

/** samples/trade-week.jsonl by line: 0–4 are five outlets' copies of one EU steel story. */
export const SAMPLE = {
  steelWire: 0,
  steelDaily: 1,
  steelMetals: 2,
  steelLedger: 3,
  steelAsia: 4,
  mexicoSteel: 5,
  chips: 6,
  liuHe: 7,
  soybeans: 8,
  canadaSteel: 9,
  ukSanctions: 10,
  japanUk: 11,
  fedRepo1: 12,
  fedRepo2: 13,
  sports: 14,
} as const;

const samples: ArticleInput[] = readFileSync(join(REPO, 'samples/trade-week.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l, i) => validateArticle(JSON.parse(l) as ArticleInput, `trade-week.jsonl:${i + 1}`));

export function sample(i: number): ArticleInput {
  const a = samples[i];
  if (!a) throw new Error(`no sample article ${i}`);
  return a;
}

export async function ingestSamples(store: Store, lines: number[]): Promise<IngestResult[]> {
  const out: IngestResult[] = [];
  for (const i of lines) out.push(await ingestArticle(store, sample(i)));
  return out;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'tw-digest-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A queue prefix no other test uses. */
export function uniquePrefix(tag: string): string {
  return `twd-${tag}-${randomUUID().slice(0, 8)}`;
}

/** The composition root as the CLI opens it, on a real Redis when `redisUrl` is given. */
export function openTestApp(dataDir: string, redis?: { url: string; prefix: string }): App {
  return openApp({
    dataDir,
    echo: null,
    env: {
      TRADEWIRE_LOG_LEVEL: 'silent',
      ...(redis ? { REDIS_URL: redis.url, TRADEWIRE_QUEUE_PREFIX: redis.prefix } : {}),
    },
  });
}

export function schedule(channel: string, over: Partial<Omit<Schedule, 'channel'>> = {}): Schedule {
  return {
    channel,
    time: '08:00',
    timezone: 'UTC',
    weekdays: [],
    minRelevance: 0,
    query: null,
    maxStories: 50,
    postEmpty: false,
    ...over,
  };
}

export const DEFAULTS = { maxStories: 10, minRelevance: 0 };

/** Polls `probe` until it returns a value other than undefined/false (no timing is asserted). */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface ChildRun {
  child: ChildProcess;
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** Resolves when the child has written `line` on stdout. */
  said(line: string): Promise<void>;
}

/** Runs one of this folder's TypeScript scripts in a separate Node process, as production would run a worker. */
export function runScript(script: string, args: string[]): ChildRun {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, script), ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ line: string; resolve: () => void }> = [];
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of waiters) if (stdout.split('\n').includes(w.line)) w.resolve();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return {
    child,
    exited,
    said: (line) =>
      new Promise<void>((resolve, reject) => {
        if (stdout.split('\n').includes(line)) return resolve();
        waiters.push({ line, resolve });
        void exited.then((e) =>
          reject(new Error(`${script} exited (${e.code ?? e.signal}) first: ${e.stderr}`)),
        );
      }),
  };
}

/** Stops a child started by runScript (SIGTERM, then waits for it). */
export async function stopScript(run: ChildRun): Promise<void> {
  if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGTERM');
  await run.exited;
}
