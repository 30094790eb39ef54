import { CronExpressionParser } from 'cron-parser';
import type { Schedule } from '../domain.ts';
import { TradewireError } from '../errors.ts';

/** Per-channel digest schedules: a local time of day, optional weekdays, in an IANA timezone. */

export const WORKDAYS = [1, 2, 3, 4, 5];

export function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function parseTimeOfDay(value: string): { hour: number; minute: number } {
  const m = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  const hour = Number(m?.[1]);
  const minute = Number(m?.[2]);
  if (!m || hour > 23 || minute > 59) {
    throw new TradewireError('schedule/invalid', `"${value}" is not a time of day`, {
      hint: 'use HH:MM, e.g. 08:00',
    });
  }
  return { hour, minute };
}

export function checkTimezone(tz: string): string {
  if (!validTimezone(tz)) {
    throw new TradewireError('schedule/invalid', `"${tz}" is not an IANA timezone`, {
      hint: 'use a name such as Europe/Berlin, America/New_York or UTC',
    });
  }
  return tz;
}

/** The cron pattern BullMQ's job scheduler runs, evaluated in `schedule.timezone`. */
export function cronPattern(s: Pick<Schedule, 'time' | 'weekdays'>): string {
  const { hour, minute } = parseTimeOfDay(s.time);
  // cron counts Sunday as 0; ISO weekday 7 is Sunday.
  const days = s.weekdays.length === 0 ? '*' : [...new Set(s.weekdays.map((d) => d % 7))].sort().join(',');
  return `${minute} ${hour} * * ${days}`;
}

/** Next fire time strictly after `after`, with the same cron library BullMQ uses. */
export function nextRun(s: Pick<Schedule, 'time' | 'weekdays' | 'timezone'>, after: Date): Date {
  return CronExpressionParser.parse(cronPattern(s), { currentDate: after, tz: s.timezone }).next().toDate();
}

/** The channel-local calendar day a digest fired for: the period key of its ledger id. */
export function localDay(at: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export const schedulerId = (channel: string): string => `digest-${channel.replaceAll(':', '~')}`;
