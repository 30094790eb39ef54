/**
 * One poll round of N unchanged feeds: what it costs on the wire and in time.
 *
 *   node --import tsx bench/feeds.ts [--feeds 1000] [--concurrency 16]
 *
 * A local feed server (test/fakes/feeds.ts) serves N RSS feeds with ETags and counts every request.
 * A first round primes each feed's validators (full GETs, items handed to a no-op submit). The measured
 * round then polls every feed through the real poller (store reads and writes, SSRF-safe fetcher,
 * conditional GET): it must cost exactly N conditional requests, all answered 304. Beside it, in the
 * same run and at the same concurrency, one plain `fetch` loop GETs the same N URLs unconditionally.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../src/log.ts';
import { type PollDeps, type PollOutcome, pollFeed } from '../src/sources/poll-feed.ts';
import { createSafeFetcher } from '../src/sources/safe-fetch.ts';
import { SqliteFeedStore } from '../src/store/sqlite/sqlite-feeds.ts';
import { FakeFeedServer, rss } from '../test/fakes/feeds.ts';
import { tempDir } from '../test/helpers/cli.ts';

const args = process.argv.slice(2);
const numArg = (name: string, dflt: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const N = numArg('--feeds', 1000);
const CONCURRENCY = numArg('--concurrency', 16);

async function pool<T>(items: T[], limit: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const run = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: limit }, run));
}

const body = (i: number) =>
  rss(
    `Trade desk ${i}`,
    Array.from({ length: 10 }, (_, k) => ({
      guid: `feed${i}-item${k}`,
      link: `http://wire${i}.example/${k}`,
      title: `Tariff notice ${i}.${k}`,
      html: `<p>Customs notice ${k} of desk ${i}: duties on aluminium sheet change from next month.</p>`.repeat(
        8,
      ),
    })),
  );

const fake = await FakeFeedServer.start();
const paths = Array.from({ length: N }, (_, i) => `/feeds/${i}.xml`);
for (const [i, path] of paths.entries()) fake.set(path, { body: body(i), etag: `"v1-${i}"` });

const feeds = new SqliteFeedStore(join(tempDir('tw-bench-feeds-'), 'tradewire.db'));
const ids: string[] = [];
for (const [i, path] of paths.entries()) {
  const { feed } = await feeds.addFeed({
    id: `f${i}`,
    url: fake.url(path),
    channel: null,
    everyMs: 600_000,
    createdBy: null,
  });
  ids.push(feed.id);
}
const fetcher = createSafeFetcher({
  userAgent: 'Tradewire-bench',
  timeoutMs: 15_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  allowPrivate: true,
});
let submittedItems = 0;
const deps: PollDeps = {
  feeds,
  fetcher,
  submit: async (items) => {
    submittedItems += items.length;
  },
  notify: async () => {},
  log: createLogger('silent'),
  settings: { backfill: 20, maxFailures: 5, teaserChars: 0 },
};

async function round(): Promise<{ ms: number; outcomes: Map<string, number> }> {
  const outcomes = new Map<string, number>();
  const t0 = performance.now();
  await pool(ids, CONCURRENCY, async (id) => {
    const o: PollOutcome = await pollFeed(deps, id);
    outcomes.set(o.status, (outcomes.get(o.status) ?? 0) + 1);
  });
  return { ms: performance.now() - t0, outcomes };
}

const prime = await round();
const primeRequests = fake.count();
const measured = await round();
const polled = fake.requests.slice(primeRequests);

const beforePlain = fake.count();
const t0 = performance.now();
await pool(paths, CONCURRENCY, async (path) => {
  const res = await fetch(fake.url(path));
  await res.arrayBuffer();
});
const plainMs = performance.now() - t0;
const plain = fake.requests.slice(beforePlain);

const fmt = (m: Map<string, number>) => [...m].map(([k, v]) => `${k} ${v}`).join(', ');
const conditional = polled.filter((r) => r.conditional).length;
const notModified = polled.filter((r) => r.status === 304).length;
console.log(`feeds: ${N}, concurrency ${CONCURRENCY}`);
console.log(
  `priming round:        ${prime.ms.toFixed(0)} ms, ${primeRequests} requests, ${submittedItems} items submitted (${fmt(prime.outcomes)})`,
);
console.log(
  `unchanged poll round: ${measured.ms.toFixed(0)} ms, ${polled.length} requests (${conditional} conditional, ${notModified} answered 304) (${fmt(measured.outcomes)})`,
);
console.log(
  `plain fetch loop:     ${plainMs.toFixed(0)} ms, ${plain.length} unconditional GETs (${plain.filter((r) => r.status === 200).length} × 200)`,
);
console.log(`ratio poll round / plain fetch loop: ${(measured.ms / plainMs).toFixed(2)}`);
const ok = polled.length === N && conditional === N && notModified === N;
console.log(
  ok
    ? 'OK: the unchanged round cost only conditional requests'
    : 'FAIL: the unchanged round made unconditional requests',
);

fetcher.close();
await feeds.close();
await fake.close();
if (!ok) process.exitCode = 1;
