import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { redisCommand } from '../../src/queue/private-redis.ts';
import type { PipelineStatus } from '../../src/queue/status.ts';
import { BIN, REPO, runCli, tempDir } from '../helpers/cli.ts';
import { drillArticles, drillOutcome, storedSoFar } from '../helpers/drill-input.ts';
import { type DrillRedis, freePort, startDrillRedis } from '../helpers/redis-server.ts';

/**
 * Drill: the queue loses everything. `tradewire ingest` is SIGKILLed part-way and Redis then loses its
 * data (FLUSHALL, as a restart without persistence would), so no job is left to finish the stored
 * articles. `tradewire status` shows the unfinished work found in the store; `tradewire run`
 * reconciles it at start, with no re-import; /healthz reports the counts falling to zero, and 503
 * while Redis is down. Against a control run on the same input: every stored story summarised once,
 * the same alerts for those stories, none twice.
 */

const N = 600;
const WATCH = ['watch', 'add', 'tariffs OR quotas', '--channel', 'console:a'];

const storedStoryIds = (dir: string): Set<string> => {
  const db = new Database(join(dir, 'tradewire.db'), { readonly: true });
  const ids = (db.prepare('SELECT id FROM stories').all() as Array<{ id: string }>).map((r) => r.id);
  db.close();
  return new Set(ids);
};

describe('drill: Redis loses the queue mid-import; run reconciles the store with it', () => {
  let redis: DrillRedis | null = null;
  afterAll(async () => {
    await redis?.stop();
  });

  it('finishes every stored story and alert without a re-import, and /healthz reports it', async () => {
    const control = tempDir('tw-drill-control-');
    const input = join(control, 'in.jsonl');
    writeFileSync(input, drillArticles(N, 17));
    expect((await runCli(WATCH, { TRADEWIRE_DATA_DIR: control })).code).toBe(0);
    expect((await runCli(['ingest', input], { TRADEWIRE_DATA_DIR: control })).code).toBe(0);
    const expected = drillOutcome(control);

    redis = await startDrillRedis({ aof: false });
    const dir = tempDir('tw-drill-lost-');
    const env = { TRADEWIRE_DATA_DIR: dir, REDIS_URL: redis.url, TRADEWIRE_LOG_LEVEL: 'warn' };
    expect((await runCli(WATCH, env)).code).toBe(0);
    const base: NodeJS.ProcessEnv = { ...process.env, ...env };
    for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL']) delete base[k];
    const ingest = spawn(process.execPath, [BIN, 'ingest', input], { cwd: REPO, env: base, stdio: 'ignore' });
    const ingestExited = new Promise((r) => ingest.once('exit', r));
    const deadline = Date.now() + 60_000;
    while (storedSoFar(dir) < N / 3 && Date.now() < deadline) await sleep(20);
    ingest.kill('SIGKILL');
    await ingestExited;
    expect(await redisCommand(redis.port, 'FLUSHALL')).toBe('+OK');

    const st = await runCli(['status', '--json'], env);
    expect(st.code, st.stderr).toBe(0);
    const before = JSON.parse(st.stdout) as PipelineStatus;
    const stored = storedSoFar(dir);
    console.log(
      `queue-lost drill: killed after ${stored}/${N} stored, queue flushed; status: ${JSON.stringify(before.unfinished)}`,
    );
    expect(before.checks).toEqual({ redis: true, store: true });
    expect(before.unfinished!.unsummarised + before.unfinished!.unalerted).toBeGreaterThan(0);
    expect(before.queues!.ingest!.waiting + before.queues!.summarise!.waiting).toBe(0);

    const port = await freePort();
    const run = spawn(process.execPath, [BIN, 'run'], {
      cwd: REPO,
      env: { ...base, PORT: String(port) },
      stdio: 'ignore',
    });
    const runExited = new Promise<number | null>((r) => run.once('exit', r));
    const healthz = async () => {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
      return res ? { status: res.status, body: (await res.json()) as PipelineStatus } : null;
    };
    try {
      const t0 = Date.now();
      let h = await healthz();
      while (Date.now() - t0 < 45_000) {
        const u = h?.body.unfinished;
        if (u && u.unsummarised + u.unalerted + u.unsettled === 0) break;
        await sleep(250);
        h = await healthz();
      }
      console.log(
        `queue-lost drill: run reconciled in ${Date.now() - t0} ms; /healthz ${h?.status} ${JSON.stringify(h?.body.unfinished)}`,
      );
      expect(h?.status).toBe(200);
      expect(h?.body.unfinished).toEqual({ unsummarised: 0, unalerted: 0, unsettled: 0 });

      const got = drillOutcome(dir);
      const ids = storedStoryIds(dir);
      const wanted = expected.alerts.filter((a) => ids.has(a));
      console.log(
        `queue-lost drill: ${got.stories} stories stored, ${got.summaries} summaries, ${got.alerts.length} alerts (control, same stories: ${wanted.length}), ${new Set(got.alerts).size} distinct`,
      );
      expect(got.unsummarised).toBe(0);
      expect(got.summaries).toBe(got.stories);
      expect(new Set(got.alerts).size).toBe(got.alerts.length);
      expect([...got.alerts].sort()).toEqual([...wanted].sort());

      // Redis goes away: /healthz says so with a 503 within its check timeout.
      await redis.kill();
      const t1 = Date.now();
      const down = await healthz();
      console.log(`queue-lost drill: Redis down: /healthz ${down?.status} in ${Date.now() - t1} ms`);
      expect(down?.status).toBe(503);
      expect(down?.body.checks).toEqual({ redis: false, store: true });
      expect(down?.body.unfinished).toEqual({ unsummarised: 0, unalerted: 0, unsettled: 0 });
      await redis.restart();
    } finally {
      run.kill('SIGTERM');
      const code = await Promise.race([runExited, sleep(15_000).then(() => 'hung')]);
      if (code === 'hung') run.kill('SIGKILL');
    }
  }, 150_000);
});
