import { describe, expect, it } from 'vitest';
import {
  checkTimezone,
  cronPattern,
  localDay,
  nextRun,
  parseTimeOfDay,
  schedulerId,
  WORKDAYS,
} from '../../../src/digest/schedule.ts';
import type { Schedule } from '../../../src/domain.ts';
import { TradewireError } from '../../../src/errors.ts';

type When = Pick<Schedule, 'time' | 'weekdays' | 'timezone'>;
const when = (time: string, timezone: string, weekdays: number[] = []): When => ({
  time,
  timezone,
  weekdays,
});

/** The next `n` fire instants after `from`, as ISO strings. */
function fires(s: When, from: string, n: number): string[] {
  const out: string[] = [];
  let at = new Date(from);
  for (let i = 0; i < n; i++) {
    at = nextRun(s, at);
    out.push(at.toISOString());
  }
  return out;
}

const wallClock = (at: Date, tz: string): string =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);

describe('nextRun across daylight-saving changes', () => {
  it('08:00 Europe/Berlin is 07:00Z before the spring change (2027-03-28) and 06:00Z from it on', () => {
    expect(fires(when('08:00', 'Europe/Berlin'), '2027-03-26T00:00:00Z', 4)).toEqual([
      '2027-03-26T07:00:00.000Z',
      '2027-03-27T07:00:00.000Z',
      '2027-03-28T06:00:00.000Z',
      '2027-03-29T06:00:00.000Z',
    ]);
  });

  it('08:00 Europe/Berlin is 06:00Z before the autumn change (2027-10-31) and 07:00Z from it on', () => {
    expect(fires(when('08:00', 'Europe/Berlin'), '2027-10-29T00:00:00Z', 4)).toEqual([
      '2027-10-29T06:00:00.000Z',
      '2027-10-30T06:00:00.000Z',
      '2027-10-31T07:00:00.000Z',
      '2027-11-01T07:00:00.000Z',
    ]);
  });

  it('08:00 America/New_York follows the US changes (2027-03-14 and 2027-11-07)', () => {
    expect(fires(when('08:00', 'America/New_York'), '2027-03-12T00:00:00Z', 4)).toEqual([
      '2027-03-12T13:00:00.000Z',
      '2027-03-13T13:00:00.000Z',
      '2027-03-14T12:00:00.000Z',
      '2027-03-15T12:00:00.000Z',
    ]);
    expect(fires(when('08:00', 'America/New_York'), '2027-11-05T00:00:00Z', 4)).toEqual([
      '2027-11-05T12:00:00.000Z',
      '2027-11-06T12:00:00.000Z',
      '2027-11-07T13:00:00.000Z',
      '2027-11-08T13:00:00.000Z',
    ]);
  });

  it('weekdays only: Friday, then Monday (skipping the weekend and the DST change in it)', () => {
    const s = when('08:00', 'Europe/Berlin', WORKDAYS);
    expect(cronPattern(s)).toBe('0 8 * * 1,2,3,4,5');
    // Thu 25 Mar 2027 noon UTC: next is Fri 26 (CET), then Mon 29 (CEST).
    expect(fires(s, '2027-03-25T12:00:00Z', 3)).toEqual([
      '2027-03-26T07:00:00.000Z',
      '2027-03-29T06:00:00.000Z',
      '2027-03-30T06:00:00.000Z',
    ]);
  });

  it('is strictly after `after`: a digest firing at its own instant does not schedule itself again', () => {
    const s = when('08:00', 'UTC');
    expect(nextRun(s, new Date('2027-01-01T07:59:59.999Z')).toISOString()).toBe('2027-01-01T08:00:00.000Z');
    expect(nextRun(s, new Date('2027-01-01T08:00:00.000Z')).toISOString()).toBe('2027-01-02T08:00:00.000Z');
  });

  it('a local time skipped in spring fires once, an hour later; a time repeated in autumn fires once', () => {
    // 02:30 does not exist in Berlin on 2027-03-28 and happens twice on 2027-10-31.
    expect(fires(when('02:30', 'Europe/Berlin'), '2027-03-27T00:00:00Z', 3)).toEqual([
      '2027-03-27T01:30:00.000Z',
      '2027-03-28T01:30:00.000Z', // 03:30 CEST
      '2027-03-29T00:30:00.000Z',
    ]);
    expect(fires(when('02:30', 'Europe/Berlin'), '2027-10-30T00:00:00Z', 3)).toEqual([
      '2027-10-30T00:30:00.000Z',
      '2027-10-31T00:30:00.000Z', // the first 02:30 (CEST) only
      '2027-11-01T01:30:00.000Z',
    ]);
    expect(fires(when('01:30', 'America/New_York'), '2027-11-06T00:00:00Z', 3)).toEqual([
      '2027-11-06T05:30:00.000Z',
      '2027-11-07T05:30:00.000Z', // the first 01:30 (EDT) only
      '2027-11-08T06:30:00.000Z',
    ]);
  });

  it('fires exactly once per local day around every 2027 DST change, at the local time whenever it exists', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'UTC'];
    const times = ['00:00', '02:30', '08:00', '23:30'];
    // Spring and autumn windows covering the EU, US and Australian changes.
    const windows: Array<[string, string]> = [
      ['2027-03-10T00:00:00Z', '2027-04-10T00:00:00Z'],
      ['2027-09-28T00:00:00Z', '2027-11-10T00:00:00Z'],
    ];
    const problems: string[] = [];
    for (const tz of zones) {
      for (const time of times) {
        const s = when(time, tz);
        const gapTime = `${String(Number(time.slice(0, 2)) + 1).padStart(2, '0')}${time.slice(2)}`;
        for (const [from, to] of windows) {
          const days: string[] = [];
          let at = new Date(from);
          for (;;) {
            at = nextRun(s, at);
            if (at >= new Date(to)) break;
            days.push(localDay(at, tz));
            // The only allowed deviation: in the spring gap the digest fires an hour later.
            const wall = wallClock(at, tz);
            if (wall !== time && wall !== gapTime) problems.push(`${tz} ${time}: fired at ${wall}`);
          }
          for (let i = 1; i < days.length; i++) {
            const step = Date.parse(`${days[i]}T00:00:00Z`) - Date.parse(`${days[i - 1]}T00:00:00Z`);
            if (step !== 86_400_000) problems.push(`${tz} ${time}: ${days[i - 1]} then ${days[i]}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('cronPattern', () => {
  it('maps ISO weekdays to cron (Sunday 7 → 0), deduplicated and sorted', () => {
    expect(cronPattern({ time: '07:05', weekdays: [] })).toBe('5 7 * * *');
    expect(cronPattern({ time: '7:05', weekdays: [7, 6, 6] })).toBe('5 7 * * 0,6');
    expect(cronPattern({ time: '23:59', weekdays: [1] })).toBe('59 23 * * 1');
  });

  it('rejects times and timezones that are not real', () => {
    for (const bad of ['24:00', '8', '08:60', 'noon', '']) {
      expect(() => parseTimeOfDay(bad)).toThrow(TradewireError);
    }
    expect(() => checkTimezone('Europe/Atlantis')).toThrow(TradewireError);
    expect(checkTimezone('America/New_York')).toBe('America/New_York');
  });
});

describe('localDay (the period key of a scheduled digest)', () => {
  it('is the channel-local calendar day, not the UTC one', () => {
    const at = new Date('2027-03-28T23:30:00Z');
    expect(localDay(at, 'UTC')).toBe('2027-03-28');
    expect(localDay(at, 'Europe/Berlin')).toBe('2027-03-29');
    expect(localDay(at, 'America/New_York')).toBe('2027-03-28');
    expect(localDay(new Date('2027-03-28T13:00:00Z'), 'Pacific/Auckland')).toBe('2027-03-29');
  });

  it('every fire of an 08:00 schedule gets its own local day across a DST change', () => {
    const s = when('08:00', 'America/New_York');
    const days = fires(s, '2027-11-05T00:00:00Z', 4).map((iso) => localDay(new Date(iso), s.timezone));
    expect(days).toEqual(['2027-11-05', '2027-11-06', '2027-11-07', '2027-11-08']);
  });

  it('scheduler ids carry no colon (BullMQ job ids are built from them)', () => {
    expect(schedulerId('slack:T1:C2')).toBe('digest-slack~T1~C2');
  });
});
