/**
 * Articles/s through the whole pipeline (parse → ingest queue → store + group → summarise queue
 * (offline) + watch matching → deliveries) on the Reuters dev file, next to BullMQ's empty-job rate
 * measured in the same run on the same Redis.
 *
 *   node --import tsx bench/pipeline.ts [--limit N]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { openApp } from '../src/cli/app.ts';
import { ingestFiles } from '../src/cli/commands/ingest.ts';
import { startTestRedis } from '../test/helpers/redis-server.ts';

const DATA = resolve(import.meta.dirname, '../../shared/data/reuters21578-dev.jsonl');
if (!existsSync(DATA)) {
  console.log(`skipped: ${DATA} not found`);
  process.exit(0);
}

async function emptyJobRate(url: string, n: number): Promise<number> {
  const conn = () => new Redis(url, { maxRetriesPerRequest: null });
  const c1 = conn();
  const c2 = conn();
  const q = new Queue('empty', { connection: c1, prefix: 'bench' });
  await q.addBulk(
    Array.from({ length: n }, (_, i) => ({ name: 'e', data: { i }, opts: { removeOnComplete: true } })),
  );
  let done = 0;
  const t0 = performance.now();
  await new Promise<void>((resolveDone) => {
    const w = new Worker(
      'empty',
      async () => {
        if (++done === n) resolveDone();
      },
      { connection: c2, prefix: 'bench', concurrency: 50 },
    );
    w.on('error', () => {});
    void resolveDone;
    (globalThis as { __w?: Worker }).__w = w;
  });
  const rate = n / ((performance.now() - t0) / 1000);
  await (globalThis as { __w?: Worker }).__w?.close();
  await q.obliterate({ force: true });
  await q.close();
  c1.disconnect();
  c2.disconnect();
  return rate;
}

const limitArg = process.argv.indexOf('--limit');
const limit = limitArg > 0 ? Number(process.argv[limitArg + 1]) : 0;
const redis = await startTestRedis();
const dir = mkdtempSync(join(tmpdir(), 'tw-bench-pipeline-'));
let input = DATA;
if (limit > 0) {
  input = join(dir, 'input.jsonl');
  writeFileSync(input, `${readFileSync(DATA, 'utf8').split('\n').slice(0, limit).join('\n')}\n`);
}
try {
  const empty = await emptyJobRate(redis.url, 5_000);
  const app = openApp({
    dataDir: dir,
    echo: null,
    env: { REDIS_URL: redis.url, TRADEWIRE_LOG_LEVEL: 'error', TRADEWIRE_WORKER_CONCURRENCY: '50' },
  });
  const t0 = performance.now();
  const report = await ingestFiles(app, [input], { wait: true });
  const secs = (performance.now() - t0) / 1000;
  const accepted = report.articles.length;
  const stories = await app.store.storyCount();
  await app.close();
  const rate = accepted / secs;
  console.log('pipeline (offline summariser, private SQLite, real Redis)');
  console.log(`  records accepted      ${accepted} (rejected ${report.rejected.length})`);
  console.log(
    `  new / dup / joined    ${report.new} / ${report.duplicates - report.joined} / ${report.joined}`,
  );
  console.log(`  stories               ${stories}`);
  console.log(`  wall time             ${secs.toFixed(2)} s`);
  console.log(`  articles/s            ${rate.toFixed(0)}`);
  console.log(`  BullMQ empty jobs/s   ${empty.toFixed(0)}  (concurrency 50, same Redis, same run)`);
  console.log(`  ratio                 ${(rate / empty).toFixed(2)} articles per empty job`);
} finally {
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
