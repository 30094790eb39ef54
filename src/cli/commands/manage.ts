import type { Command } from 'commander';
import { TradewireError } from '../../errors.ts';
import type { App } from '../app.ts';

// The use cases (zod, cron-parser, the query parser) load when a command runs, so `--help` stays fast.
const watches = () => import('../../usecases/watches.ts');
const schedules = () => import('../../usecases/schedules.ts');

export interface CliHooks {
  withApp<T>(o: { dataDir?: string; json?: boolean }, fn: (app: App) => Promise<T>): Promise<T>;
  print(o: { json?: boolean }, json: unknown, text: string): void;
  common(c: Command): Command;
}

type O = { dataDir?: string; json?: boolean };

/** CLI wording of errors the use cases raise without naming a surface. */
function cliHint(err: unknown): never {
  if (err instanceof TradewireError && err.code === 'watch/not-found') {
    throw new TradewireError(err.code, err.message, { hint: 'see `tradewire watch list`' });
  }
  throw err;
}

export function registerWatchCommands(program: Command, h: CliHooks): void {
  const watch = program
    .command('watch')
    .description('keyword watches: alert a channel when a matching story arrives');
  h.common(
    watch
      .command('add')
      .argument(
        '<query...>',
        'e.g. "steel tariffs -canada", "\\"export controls\\" chips", country:CN AND soybean (a query may start with -)',
      )
      .requiredOption('--channel <id>', 'channel to alert, e.g. console:desk')
      // A query such as `-canada` is a query, not an unknown option.
      .allowUnknownOption(),
  ).action(async (query: string[], o: O & { channel: string }) => {
    await h.withApp(o, async (app) => {
      const w = await (await watches()).addWatch(app.deps, { channel: o.channel, query: query.join(' ') });
      h.print(o, w, `watch ${w.id} on ${w.channel}: ${w.query}`);
    });
  });
  h.common(watch.command('list').option('--channel <id>', 'only this channel')).action(
    async (o: O & { channel?: string }) => {
      await h.withApp(o, async (app) => {
        const list = await (await watches()).listWatches(app.deps, o.channel);
        h.print(
          o,
          { watches: list },
          list.map((w) => `${w.id}  ${w.channel}  ${w.query}`).join('\n') || 'no watches',
        );
      });
    },
  );
  h.common(watch.command('remove').argument('<id>')).action(async (id: string, o: O) => {
    await h.withApp(o, async (app) => {
      await (await watches()).removeWatch(app.deps, { id }).catch(cliHint);
      h.print(o, { removed: id }, `removed watch ${id}`);
    });
  });
}

function parseWeekdays(v: string | boolean | undefined): { weekdays?: number[]; workdays?: boolean } {
  if (v === undefined || v === false) return {};
  if (v === true) return { workdays: true };
  return { weekdays: v.split(',').map((d) => Number(d.trim())) };
}

export function registerScheduleCommands(program: Command, h: CliHooks): void {
  const schedule = program.command('schedule').description('per-channel daily digest schedules');
  h.common(
    schedule
      .command('set')
      .argument('<channel>', 'e.g. console:desk')
      .argument('<time>', 'local time of day, HH:MM')
      .argument('[timezone]', 'IANA timezone (default: the current one, else UTC)')
      .option('--weekdays [days]', 'Monday to Friday, or a list of ISO weekdays such as 1,3,5')
      .option('--min-relevance <x>', 'only stories at least this trade-relevant (0..1)')
      .option('--query <q>', 'only stories matching this watch query')
      .option('--max-stories <n>', 'stories shown before "and N more" (1..50)')
      .option('--post-empty', 'post a "no news" note when nothing arrived'),
  ).action(
    async (
      channel: string,
      time: string,
      timezone: string | undefined,
      o: O & {
        weekdays?: string | boolean;
        minRelevance?: string;
        query?: string;
        maxStories?: string;
        postEmpty?: boolean;
      },
    ) => {
      await h.withApp(o, async (app) => {
        const v = await (await schedules()).setSchedule(app.deps, {
          channel,
          time,
          timezone,
          ...parseWeekdays(o.weekdays),
          minRelevance: o.minRelevance,
          query: o.query,
          maxStories: o.maxStories,
          postEmpty: o.postEmpty,
        });
        const s = v.schedule;
        h.print(o, v, `digest for ${channel} at ${s.time} ${s.timezone}; next ${v.next}`);
      });
    },
  );
  h.common(schedule.command('list')).action(async (o: O) => {
    await h.withApp(o, async (app) => {
      const list = await (await schedules()).listSchedules(app.deps);
      h.print(
        o,
        { schedules: list.map((v) => ({ ...v.schedule, next: v.next })) },
        list
          .map(
            ({ schedule: s, next }) =>
              `${s.channel}  ${s.time} ${s.timezone}${s.weekdays.length ? ` days ${s.weekdays.join(',')}` : ''}  next ${next}`,
          )
          .join('\n') || 'no schedules',
      );
    });
  });
  h.common(schedule.command('remove').argument('<channel>')).action(async (channel: string, o: O) => {
    await h.withApp(o, async (app) => {
      const removed = await (await schedules()).removeSchedule(app.deps, channel);
      h.print(o, { removed }, removed ? `removed the schedule of ${channel}` : `${channel} had no schedule`);
    });
  });
}
