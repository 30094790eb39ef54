import type { Command } from 'commander';
import { parseChannel } from '../../channels.ts';
import { checkTimezone, nextRun, parseTimeOfDay, WORKDAYS } from '../../digest/schedule.ts';
import { removeDigestScheduler, upsertDigestScheduler } from '../../digest/schedulers.ts';
import type { Schedule } from '../../domain.ts';
import { TradewireError } from '../../errors.ts';
import { addWatch, removeWatch } from '../../watch/manage.ts';
import type { App } from '../app.ts';

export interface CliHooks {
  withApp<T>(o: { dataDir?: string; json?: boolean }, fn: (app: App) => Promise<T>): Promise<T>;
  print(o: { json?: boolean }, json: unknown, text: string): void;
  common(c: Command): Command;
}

type O = { dataDir?: string; json?: boolean };

export function registerWatchCommands(program: Command, h: CliHooks): void {
  const watch = program
    .command('watch')
    .description('keyword watches: alert a channel when a matching story arrives');
  h.common(
    watch
      .command('add')
      .argument(
        '<query>',
        'e.g. "steel tariffs -canada", "\\"export controls\\" chips", country:CN AND soybean',
      )
      .requiredOption('--channel <id>', 'channel to alert, e.g. console:desk'),
  ).action(async (query: string, o: O & { channel: string }) => {
    await h.withApp(o, async (app) => {
      const w = await addWatch(app.store, o.channel, query, {
        maxPerChannel: app.config.maxWatchesPerChannel,
      });
      h.print(o, w, `watch ${w.id} on ${w.channel}: ${w.query}`);
    });
  });
  h.common(watch.command('list').option('--channel <id>', 'only this channel')).action(
    async (o: O & { channel?: string }) => {
      await h.withApp(o, async (app) => {
        const list = await app.store.listWatches(o.channel);
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
      await removeWatch(app.store, id);
      h.print(o, { removed: id }, `removed watch ${id}`);
    });
  });
}

function parseWeekdays(v: string | boolean | undefined): number[] {
  if (v === undefined || v === false) return [];
  if (v === true) return WORKDAYS;
  const days = v.split(',').map((d) => Number(d.trim()));
  if (days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
    throw new TradewireError(
      'schedule/invalid',
      `--weekdays "${v}" must list ISO weekdays 1 (Mon) to 7 (Sun)`,
    );
  }
  return days;
}

export function registerScheduleCommands(program: Command, h: CliHooks): void {
  const schedule = program.command('schedule').description('per-channel daily digest schedules');
  h.common(
    schedule
      .command('set')
      .argument('<channel>', 'e.g. console:desk')
      .argument('<time>', 'local time of day, HH:MM')
      .argument('[timezone]', 'IANA timezone', 'UTC')
      .option('--weekdays [days]', 'Monday to Friday, or a list of ISO weekdays such as 1,3,5')
      .option('--min-relevance <x>', 'only stories at least this trade-relevant (0..1)', Number.parseFloat)
      .option('--query <q>', 'only stories matching this watch query')
      .option('--max-stories <n>', 'stories shown before "and N more"', Number.parseInt)
      .option('--post-empty', 'post a "no news" note when nothing arrived', false),
  ).action(
    async (
      channel: string,
      time: string,
      timezone: string,
      o: O & {
        weekdays?: string | boolean;
        minRelevance?: number;
        query?: string;
        maxStories?: number;
        postEmpty: boolean;
      },
    ) => {
      parseChannel(channel);
      parseTimeOfDay(time);
      checkTimezone(timezone);
      await h.withApp(o, async (app) => {
        const s: Schedule = {
          channel,
          time,
          timezone,
          weekdays: parseWeekdays(o.weekdays),
          minRelevance: o.minRelevance ?? app.config.minRelevance,
          query: o.query ?? null,
          maxStories: o.maxStories ?? app.config.digestMaxStories,
          postEmpty: o.postEmpty,
        };
        if (s.query) (await import('../../watch/query.ts')).parseQuery(s.query);
        await app.store.setSchedule(s);
        await upsertDigestScheduler(await app.queues(), s);
        const next = nextRun(s, new Date());
        h.print(
          o,
          { schedule: s, next: next.toISOString() },
          `digest for ${channel} at ${time} ${timezone}; next ${next.toISOString()}`,
        );
      });
    },
  );
  h.common(schedule.command('list')).action(async (o: O) => {
    await h.withApp(o, async (app) => {
      const list = await app.store.listSchedules();
      const now = new Date();
      h.print(
        o,
        { schedules: list.map((s) => ({ ...s, next: nextRun(s, now).toISOString() })) },
        list
          .map(
            (s) =>
              `${s.channel}  ${s.time} ${s.timezone}${s.weekdays.length ? ` days ${s.weekdays.join(',')}` : ''}  next ${nextRun(s, now).toISOString()}`,
          )
          .join('\n') || 'no schedules',
      );
    });
  });
  h.common(schedule.command('remove').argument('<channel>')).action(async (channel: string, o: O) => {
    await h.withApp(o, async (app) => {
      const removed = await app.store.removeSchedule(channel);
      await removeDigestScheduler(await app.queues(), channel);
      h.print(o, { removed }, removed ? `removed the schedule of ${channel}` : `${channel} had no schedule`);
    });
  });
}
