import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisCommand } from '../../src/queue/private-redis.ts';
import { BIN, REPO, runCli, tempDir } from '../helpers/cli.ts';
import {
  type DrillOutcome,
  describeAgainst,
  drillArticles,
  drillOutcome,
  storedSoFar,
} from '../helpers/drill-input.ts';
import { type DrillRedis, startDrillRedis } from '../helpers/redis-server.ts';

/**
 * Drills: Redis misbehaves part-way through `tradewire ingest` — it refuses writes for 1.5 s (over
 * `maxmemory` under `noeviction`), or it is SIGKILLed and started again from its AOF. Then the same
 * import runs again. Against an undisturbed control run on the same input: every article stored once,
 * every story summarised once, the same alerts, none twice.
 */

const N = 600;
const WATCH = ['watch', 'add', 'tariffs OR quotas', '--channel', 'console:a'];

function spawnIngest(dir: string, redisUrl: string, input: string) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TRADEWIRE_DATA_DIR: dir,
    REDIS_URL: redisUrl,
    TRADEWIRE_LOG_LEVEL: 'warn',
  };
  for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL']) delete env[k];
  const child: ChildProcess = spawn(process.execPath, [BIN, 'ingest', input, '--json'], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

/** Waits for the first run to end on its own; one that hangs past `ms` is killed (the re-run must cope). */
async function settle(run: ReturnType<typeof spawnIngest>, ms: number): Promise<string> {
  const t0 = Date.now();
  const code = await Promise.race([run.exited, sleep(ms).then(() => 'hung' as const)]);
  if (code === 'hung') {
    run.child.kill('SIGKILL');
    await run.exited;
    return `hung for ${ms} ms and was killed`;
  }
  const retried = run.stderr().split('enqueue refused, retrying').length - 1;
  let reconciled = 'no report';
  try {
    reconciled = JSON.stringify((JSON.parse(run.stdout()) as { reconciled: unknown }).reconciled);
  } catch {}
  return `exited ${code} after ${((Date.now() - t0) / 1000).toFixed(1)} s more (${retried} enqueues retried, reconciled ${reconciled})`;
}

async function waitStored(dir: string, n: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (storedSoFar(dir) < n && Date.now() < deadline) await sleep(20);
}

describe('drills: Redis faults mid-import, then a re-run', () => {
  let input = '';
  let control: DrillOutcome;
  let redis: DrillRedis | null = null;

  beforeAll(async () => {
    const dir = tempDir('tw-drill-control-');
    input = join(dir, 'in.jsonl');
    writeFileSync(input, drillArticles(N, 11));
    expect((await runCli(WATCH, { TRADEWIRE_DATA_DIR: dir })).code).toBe(0);
    const c = await runCli(['ingest', input, '--json'], { TRADEWIRE_DATA_DIR: dir });
    expect(c.code, c.stderr).toBe(0);
    control = drillOutcome(dir);
    expect(control.articles).toBe(N);
    expect(control.unsummarised).toBe(0);
    expect(control.alerts.length).toBeGreaterThan(10);
  }, 120_000);

  afterEach(async () => {
    await redis?.stop();
    redis = null;
  });

  async function rerunAndCompare(dir: string, label: string): Promise<void> {
    const again = await runCli(['ingest', input, '--json'], {
      TRADEWIRE_DATA_DIR: dir,
      REDIS_URL: redis!.url,
    });
    expect(again.code, again.stderr).toBe(0);
    const report = JSON.parse(again.stdout) as { reconciled: unknown; resumed: number };
    const got = drillOutcome(dir);
    console.log(
      `${describeAgainst(label, got, control)}; re-run resumed ${report.resumed}, reconciled ${JSON.stringify(report.reconciled)}`,
    );
    expect(got.articles).toBe(N);
    expect(got.stories).toBe(control.stories);
    expect(got.unsummarised).toBe(0);
    expect(got.summaries).toBe(control.summaries);
    expect(new Set(got.alerts).size).toBe(got.alerts.length);
    expect([...got.alerts].sort()).toEqual([...control.alerts].sort());
    expect(got.undelivered).toBe(0);
  }

  it('Redis refusing writes for 1.5 s (maxmemory 1mb, noeviction)', async () => {
    redis = await startDrillRedis({ aof: false });
    const dir = tempDir('tw-drill-oom-');
    expect((await runCli(WATCH, { TRADEWIRE_DATA_DIR: dir, REDIS_URL: redis.url })).code).toBe(0);
    const run = spawnIngest(dir, redis.url, input);
    await waitStored(dir, N / 4);
    expect(await redisCommand(redis.port, 'CONFIG SET maxmemory-policy noeviction')).toBe('+OK');
    expect(await redisCommand(redis.port, 'CONFIG SET maxmemory 1mb')).toBe('+OK');
    // The fault is real: a write is refused.
    expect(await redisCommand(redis.port, 'SET drill-probe x')).toMatch(/^-OOM/);
    const at = storedSoFar(dir);
    await sleep(1_500);
    expect(await redisCommand(redis.port, 'CONFIG SET maxmemory 0')).toBe('+OK');
    const first = await settle(run, 45_000);
    const cut = drillOutcome(dir);
    console.log(
      `oom drill: writes refused at ${at}/${N} articles for 1.5 s; first run ${first}: ${cut.articles} articles, ${cut.unsummarised} unsummarised, ${cut.alerts.length} alerts`,
    );
    await rerunAndCompare(dir, 'oom drill after the re-run');
  }, 120_000);

  it('redis-server SIGKILLed mid-import and started again from its AOF', async () => {
    redis = await startDrillRedis({ aof: true });
    const dir = tempDir('tw-drill-rkill-');
    expect((await runCli(WATCH, { TRADEWIRE_DATA_DIR: dir, REDIS_URL: redis.url })).code).toBe(0);
    const run = spawnIngest(dir, redis.url, input);
    await waitStored(dir, N / 4);
    const at = storedSoFar(dir);
    await redis.kill();
    await sleep(1_000);
    await redis.restart();
    const first = await settle(run, 45_000);
    const cut = drillOutcome(dir);
    console.log(
      `redis-kill drill: redis-server killed at ${at}/${N} articles, back after 1 s; first run ${first}: ${cut.articles} articles, ${cut.unsummarised} unsummarised, ${cut.alerts.length} alerts`,
    );
    await rerunAndCompare(dir, 'redis-kill drill after the re-run');
  }, 120_000);
});
