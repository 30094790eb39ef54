import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, REPO, runCli, tempDir } from '../helpers/cli.ts';
import {
  type DrillOutcome,
  describeAgainst,
  drillArticles,
  drillOutcome,
  storedSoFar,
} from '../helpers/drill-input.ts';
import { freePort, startTestRedis, type TestRedis } from '../helpers/redis-server.ts';

/**
 * Drill: SIGTERM to `tradewire run` and to `tradewire ingest` while they are busy. Each stops
 * gracefully (in-flight jobs finish, connections close) within STOP_BOUND_MS, and a re-run of the
 * import ends as an undisturbed control run on the same input: nothing lost, nothing twice.
 */

const N = 600;
/** The promised bound on a graceful stop: the longest in-flight job (a 200-story offline batch) and the close. */
const STOP_BOUND_MS = 10_000;
const WATCH = ['watch', 'add', 'tariffs OR quotas', '--channel', 'console:a'];

function spawnCli(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; exited: Promise<number | null> } {
  const base: NodeJS.ProcessEnv = { ...process.env, TRADEWIRE_LOG_LEVEL: 'warn', ...env };
  for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL']) delete base[k];
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: base, stdio: 'ignore' });
  return { child, exited: new Promise((r) => child.once('exit', (code) => r(code))) };
}

async function stopTimed(p: { child: ChildProcess; exited: Promise<number | null> }) {
  const t0 = Date.now();
  p.child.kill('SIGTERM');
  const code = await Promise.race([p.exited, sleep(STOP_BOUND_MS * 3).then(() => 'hung' as const)]);
  if (code === 'hung') p.child.kill('SIGKILL');
  return { code, ms: Date.now() - t0 };
}

describe('drill: SIGTERM stops gracefully within a bound, and a re-run finishes the import', () => {
  let input = '';
  let control: DrillOutcome;
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await startTestRedis();
    const dir = tempDir('tw-drill-control-');
    input = join(dir, 'in.jsonl');
    writeFileSync(input, drillArticles(N, 13));
    expect((await runCli(WATCH, { TRADEWIRE_DATA_DIR: dir })).code).toBe(0);
    const c = await runCli(['ingest', input, '--json'], { TRADEWIRE_DATA_DIR: dir });
    expect(c.code, c.stderr).toBe(0);
    control = drillOutcome(dir);
    expect(control.alerts.length).toBeGreaterThan(10);
  }, 120_000);

  afterAll(async () => {
    await redis?.stop();
  });

  async function rerunAndCompare(dir: string, env: Record<string, string>, label: string) {
    const again = await runCli(['ingest', input, '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    const got = drillOutcome(dir);
    console.log(describeAgainst(label, got, control));
    expect(got.articles).toBe(N);
    expect(got.stories).toBe(control.stories);
    expect(got.unsummarised).toBe(0);
    expect(got.summaries).toBe(control.summaries);
    expect(new Set(got.alerts).size).toBe(got.alerts.length);
    expect([...got.alerts].sort()).toEqual([...control.alerts].sort());
  }

  it('tradewire run, busy with a queued import', async () => {
    const dir = tempDir('tw-drill-term-run-');
    const env = { TRADEWIRE_DATA_DIR: dir, REDIS_URL: redis.url, TRADEWIRE_QUEUE_PREFIX: 'term-run' };
    expect((await runCli(WATCH, env)).code).toBe(0);
    const queued = await runCli(['ingest', input, '--no-wait'], env);
    expect(queued.code, queued.stderr).toBe(0);
    const run = spawnCli(['run'], { ...env, PORT: String(await freePort()) });
    const deadline = Date.now() + 60_000;
    while (storedSoFar(dir) < N / 4 && Date.now() < deadline) await sleep(20);
    const at = storedSoFar(dir);
    const stop = await stopTimed(run);
    console.log(
      `sigterm drill (run): SIGTERM at ${at}/${N} stored; exit ${stop.code} after ${stop.ms} ms (bound ${STOP_BOUND_MS} ms)`,
    );
    expect(stop.code).toBe(0);
    expect(stop.ms).toBeLessThan(STOP_BOUND_MS);
    await rerunAndCompare(dir, env, 'sigterm drill (run) after the re-run');
  }, 120_000);

  it('tradewire ingest, mid-import', async () => {
    const dir = tempDir('tw-drill-term-ingest-');
    const env = { TRADEWIRE_DATA_DIR: dir, REDIS_URL: redis.url, TRADEWIRE_QUEUE_PREFIX: 'term-ingest' };
    expect((await runCli(WATCH, env)).code).toBe(0);
    const ingest = spawnCli(['ingest', input], env);
    const deadline = Date.now() + 60_000;
    while (storedSoFar(dir) < N / 4 && Date.now() < deadline) await sleep(20);
    const at = storedSoFar(dir);
    const stop = await stopTimed(ingest);
    console.log(
      `sigterm drill (ingest): SIGTERM at ${at}/${N} stored; exit ${stop.code} after ${stop.ms} ms (bound ${STOP_BOUND_MS} ms)`,
    );
    // Interrupted: the conventional 128 + SIGINT status, not a crash.
    expect(stop.code).toBe(130);
    expect(stop.ms).toBeLessThan(STOP_BOUND_MS);
    await rerunAndCompare(dir, env, 'sigterm drill (ingest) after the re-run');
  }, 120_000);
});
