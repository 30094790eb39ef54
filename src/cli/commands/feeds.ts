import type { Command } from 'commander';
import type { FeedView } from '../../usecases/feeds.ts';
import type { CliHooks } from './manage.ts';

type O = { dataDir?: string; json?: boolean };

/** The use cases are loaded when a feeds command runs, not at every CLI start. */
const useCases = () => import('../../usecases/feeds.ts');

function every(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
  ];
  let rest = ms;
  let out = '';
  for (const [size, unit] of units) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out || `${ms}ms`;
}

function describeFeed(f: FeedView): string {
  const head = `${f.id}  ${f.status.padEnd(8)}  every ${every(f.everyMs)}  ${f.channel ?? '-'}  ${f.url}`;
  const facts = [
    f.title ? `"${f.title}"` : null,
    `${f.itemsIngested} items`,
    `last success ${f.lastSuccessAt ?? 'never'}`,
    `next poll ${f.nextPollAt ?? (f.status === 'disabled' ? 'none (disabled)' : 'when tradewire run starts')}`,
    f.failures > 0 ? `${f.failures} failures in a row` : null,
  ].filter(Boolean);
  const lines = [head, `    ${facts.join(', ')}`];
  if (f.lastError) lines.push(`    last error ${f.lastErrorAt}: ${f.lastError}`);
  return lines.join('\n');
}

export function registerFeedCommands(program: Command, h: CliHooks): void {
  const feeds = program
    .command('feeds')
    .description('RSS/Atom/RDF feeds polled by `tradewire run`; every item goes through ingest');
  h.common(
    feeds
      .command('add')
      .argument('<url>', 'feed URL (http or https)')
      .option('--every <interval>', 'poll interval, e.g. 10m, 1h, 1h30m', '10m')
      .option('--channel <id>', 'channel told if the feed keeps failing, e.g. console:desk'),
  ).action(async (url: string, o: O & { every: string; channel?: string }) => {
    const { addFeed, feedDeps, parseEvery } = await useCases();
    await h.withApp(o, async (app) => {
      const { feed, created } = await addFeed(feedDeps(app.deps), {
        url,
        everyMs: parseEvery(o.every),
        channel: o.channel,
      });
      h.print(
        o,
        { feed, created },
        `${created ? 'added' : 'already subscribed:'} feed ${feed.id} ${feed.url}, every ${every(feed.everyMs)} (polled by tradewire run)`,
      );
    });
  });
  h.common(feeds.command('list')).action(async (o: O) => {
    const { feedDeps, listFeeds } = await useCases();
    await h.withApp(o, async (app) => {
      const list = await listFeeds(feedDeps(app.deps));
      h.print(o, { feeds: list }, list.map(describeFeed).join('\n') || 'no feeds');
    });
  });
  h.common(feeds.command('remove').argument('<id>')).action(async (id: string, o: O) => {
    const { feedDeps, removeFeed } = await useCases();
    await h.withApp(o, async (app) => {
      await removeFeed(feedDeps(app.deps), id);
      h.print(o, { removed: id }, `removed feed ${id}`);
    });
  });
}
