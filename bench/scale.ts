/**
 * Scale-out: pipeline throughput (articles/s from the enqueue of the first article to every article
 * stored, grouped and summarised offline, alerts posted) for 1, 2 and 3 `tradewire run --role
 * worker` processes on one PostgreSQL and one Redis, beside the baseline of one worker process on
 * SQLite, all on the same synthetic input (test/helpers/scale-articles.ts: about half the articles
 * are copies of another's event) in one run. Each configuration runs `--rounds` times; the best
 * round is reported (the machine is shared, and the best round is the one least disturbed).
 *
 *   node --import tsx bench/scale.ts [--articles 3000] [--rounds 2]
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import pg from 'pg';
import { createTestDatabase, dropTestDatabase, startTestPostgres } from '../test/helpers/postgres-server.ts';
import { startTestRedis } from '../test/helpers/redis-server.ts';
import { scaleArticles } from '../test/helpers/scale-articles.ts';
import { runScale } from '../test/helpers/scale-run.ts';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const N = arg('--articles', 3_000);
const ROUNDS = arg('--rounds', 2);

const { articles, events } = scaleArticles(N);
const redis = await startTestRedis();
const server = await startTestPostgres();
const pgVersion = await (async () => {
  const c = new pg.Client({ connectionString: server.url });
  await c.connect();
  const v = String((await c.query('SHOW server_version')).rows[0].server_version);
  await c.end();
  return v;
})();

console.log(
  `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ` +
    `load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; PostgreSQL ${pgVersion} (fsync off, throwaway cluster), Redis on loopback`,
);
console.log(`input: ${N} articles, ${events} events; offline summariser; ${ROUNDS} rounds each, best kept`);

type Config = { label: string; workers: number; postgres: boolean };
const CONFIGS: Config[] = [
  { label: 'sqlite-1', workers: 1, postgres: false },
  { label: 'pg-1', workers: 1, postgres: true },
  { label: 'pg-2', workers: 2, postgres: true },
  { label: 'pg-3', workers: 3, postgres: true },
];
const best = new Map<string, number>();
try {
  // Rounds interleave the configurations, so a burst of load elsewhere hits them alike.
  for (let round = 1; round <= ROUNDS; round++) {
    for (const c of CONFIGS) {
      const url = c.postgres ? await createTestDatabase(server.url, `scale_${c.label}`) : null;
      try {
        const o = await runScale({
          label: `${c.label}-r${round}`,
          articles,
          databaseUrl: url,
          redisUrl: redis.url,
          workers: c.workers,
          timeoutMs: 600_000,
        });
        if (o.articles !== N || o.stories !== events || o.unsummarised !== 0) {
          throw new Error(
            `${c.label}: ${o.articles} articles, ${o.stories} stories, ${o.unsummarised} unsummarised`,
          );
        }
        const rate = N / (o.pipelineMs / 1000);
        console.log(
          `  round ${round} ${c.label}: ${(o.pipelineMs / 1000).toFixed(1)} s, ${rate.toFixed(0)} articles/s`,
        );
        best.set(c.label, Math.max(best.get(c.label) ?? 0, rate));
      } finally {
        if (url) await dropTestDatabase(server.url, url);
      }
    }
  }
} finally {
  await server.stop();
  await redis.stop();
}

const base = best.get('sqlite-1')!;
const pg1 = best.get('pg-1')!;
console.log('\nconfiguration                         articles/s   vs SQLite   vs 1 PG worker');
for (const c of CONFIGS) {
  const r = best.get(c.label)!;
  const name = c.postgres
    ? `${c.workers} worker process${c.workers > 1 ? 'es' : ''}, PostgreSQL`
    : '1 worker process, SQLite (baseline)';
  console.log(
    `${name.padEnd(38)}${r.toFixed(0).padStart(10)}   ${(r / base).toFixed(2).padStart(8)}x   ${(r / pg1).toFixed(2).padStart(12)}x`,
  );
}
console.log(
  `\nWhat it means: on ${availableParallelism()} cores the workers, PostgreSQL and Redis share the same CPUs. ` +
    'Per article a worker spends most of its time on CPU in Node (fingerprinting, grouping), and PostgreSQL ' +
    'mostly waits for its clients (ClientRead in pg_stat_activity), so once the cores are full an extra worker ' +
    'only adds contention: read the 1 -> 3 figures as a floor for this machine, not as the shape of the curve. ' +
    'With a core or a machine per worker, throughput should grow with workers until PostgreSQL (one ' +
    'transaction per article, a story-number lock held for one insert and its commit) or Redis saturates; ' +
    'that is not measured here.',
);
